"""Forms of the material and news pages. A form validates shape; the rules (who may upload
for which organisation, what a file may be) are the services' and the permissions'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation, TargetGroup, Topic
from core.validators import validate_no_control_characters

from . import uploads
from .models_public import Material, PublicVisibility


class MaterialFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all kinds")), *Material.Kind.choices]
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), required=False, queryset=Topic.objects.all(), to_field_name="slug",
        empty_label=_("all topics"),
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"), required=False, queryset=TargetGroup.objects.all(),
        to_field_name="slug", empty_label=_("all target groups"),
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False,
        choices=[("", _("all languages")), *Material.Language.choices],
    )

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        validate_no_control_characters(value)
        return value.strip()


class MaterialUploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False)
    target_group = forms.ModelChoiceField(
        label=_("Target group"), queryset=TargetGroup.objects.all(), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=Material.Language.choices, initial=Material.Language.GERMAN
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Material.Licence.choices)
    description = forms.CharField(
        label=_("Short description"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=PublicVisibility.choices,
        initial=PublicVisibility.PUBLIC,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, ODT, ODP, DOCX or PPTX, at most %(limit)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
        limit = uploads.max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = self.fields["file"].help_text % {"limit": limit}

    def clean(self):
        data = super().clean()
        for name in ("title", "description"):
            if name in data:
                validate_no_control_characters(data[name])
        return data

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.validate_material_file(upload)  # a clear field error before the service runs
        return upload


class NewsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=PublicVisibility.choices,
        initial=PublicVisibility.PUBLIC,
    )
    published_at = forms.DateTimeField(
        label=_("Published from"), required=False,
        help_text=_("Empty: now. A later time shows the news from then on."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        for name in ("title", "text"):
            if name in data:
                validate_no_control_characters(data[name])
        return data
