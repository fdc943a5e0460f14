"""The analyser: the same terms for a word however it is written (no database needed)."""

from workflows.search.analysis import similarity, split_compound, stem, terms
from workflows.search.query import highlight


def test_umlauts_and_sharp_s_either_way():
    assert terms("Ärzte") == terms("Aerzte") == ["arzt"]
    assert terms("Straße") == terms("Strasse")
    assert terms("Ausländerbehörde") == terms("Auslaenderbehoerde")


def test_stems_join_inflected_forms():
    assert stem("Anerkennungen") == stem("Anerkennung")
    assert stem("Kurse") == stem("Kurs")  # Snowball alone would give kurs / kur


def test_compounds_split_into_known_parts_with_linking_elements():
    assert split_compound("pflegefachkräfte") == (stem("pflege"), stem("fachkräfte"))
    assert set(terms("Pflegefachkräfte")) >= {stem("pflege"), stem("fachkraft"), stem("kraft")}
    assert set(terms("Arbeitsmarkt")) >= {stem("arbeit"), stem("markt")}  # linking "s"
    assert set(terms("Kinderbetreuung")) >= {stem("kind"), stem("betreuung")}


def test_words_that_are_not_compounds_stay_whole():
    assert terms("Beratung") == [stem("beratung")]
    assert terms("Unterkunft") == [stem("unterkunft")]


def test_stop_words_are_dropped():
    assert terms("die Anerkennung und der Antrag") == [stem("anerkennung"), stem("antrag")]


def test_trigram_similarity_is_pg_trgms():
    assert similarity("anerkenn", "anerkenn") == 1.0
    assert similarity("anerken", "anerkenn") > 0.6
    assert similarity("wohnung", "anerkenn") < 0.1


def test_highlight_escapes_and_marks_matching_words():
    html = highlight("<b>Ärzte</b> warten & warten", {stem("aerzte")})
    assert "<mark>Ärzte</mark>" in html
    assert "&lt;b&gt;" in html and "&amp;" in html
    assert "<b>" not in html


def test_female_forms_plurals_of_loan_words_and_irregular_forms_join_their_word():
    assert terms("Ärztinnen") == terms("Ärztin") == terms("Ärzte")
    assert terms("Azubis") == terms("Azubi")
    assert terms("anerkannt") == terms("Anerkennung")
    assert terms("Termin") == ["termin"]  # not a female form
