"""The local mail viewer of `make run` shows what the embedded default "sent", only to this
machine, and no file outside its folder."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import path

import core.urls
from core import dev_mail

urlpatterns = [
    path("dev/mail/", dev_mail.mail_list, name="dev-mail"),
    path("dev/mail/<str:ref>/", dev_mail.mail_detail, name="dev-mail-detail"),
    path("dev/mail/<str:ref>/html/", dev_mail.mail_html, name="dev-mail-html"),
    *core.urls.urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def mail_folder(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.DEV_MAIL_VIEWER = True
    return tmp_path


def _send_two():
    first = mail.EmailMultiAlternatives("Erste Nachricht", "Hallo Petra,\nÄnderung gespeichert.", to=["petra@example.org"])
    first.attach_alternative("<p>Hallo <b>Petra</b></p>", "text/html")
    second = mail.EmailMessage("Second message", "Plain only", to=["otto@example.org"])
    mail.get_connection().send_messages([first, second])


def test_lists_newest_first_and_shows_text_and_sandboxed_html(mail_folder):
    _send_two()
    client = Client()
    listing = client.get("/dev/mail/").content.decode()
    assert listing.index("Second message") < listing.index("Erste Nachricht")
    ref = next(m.ref for m in dev_mail.stored_mails() if m.subject == "Erste Nachricht")
    detail = client.get(f"/dev/mail/{ref}/").content.decode()
    assert "Änderung gespeichert." in detail and "petra@example.org" in detail
    html = client.get(f"/dev/mail/{ref}/html/")
    assert html.status_code == 200
    assert html["Content-Security-Policy"].startswith("sandbox")


def test_only_from_this_machine_and_only_when_switched_on(mail_folder, settings):
    _send_two()
    assert Client(REMOTE_ADDR="192.0.2.10").get("/dev/mail/").status_code == 404
    settings.DEV_MAIL_VIEWER = False
    assert Client().get("/dev/mail/").status_code == 404


def test_no_path_leaves_the_folder(mail_folder):
    _send_two()
    client = Client()
    for ref in ("..%2Fsecret.log:0", "nothing.log:0", "x:1:2", "../etc/passwd:0"):
        assert client.get(f"/dev/mail/{ref}/").status_code == 404
    name = next(mail_folder.glob("*.log")).name
    assert client.get(f"/dev/mail/{name}:99/").status_code == 404
