"""The word lists the analyser uses: German stop words and the lexicon of the compound splitter.

The splitter only cuts a word into parts it finds here, so it never invents a part from a
chance letter sequence ("Beratung" is not "Bera" + "tung"). The list holds the building blocks
of the network's own vocabulary (recruitment, recognition, integration, housing, care, crafts,
administration) plus common German nouns and verbs stems that appear in compounds. Add words
here when a compound of the network's language is not split; tests/workflows/test_search_analysis.py
pins the behaviour.
"""

STOP_WORDS = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes anders auch auf aus bei beim bin bis bist da dadurch daher damit dann das dass
    dein deine dem den denn der des dessen deshalb die dies diese diesem diesen dieser dieses
    doch dort du durch ein eine einem einen einer eines einig einige einigem einigen einiger
    er es etwas euer eure für gegen gibt hat hatte hatten hier hin hinter ich ihm ihn ihnen
    ihr ihre im in indem ins ist ja jede jedem jeden jeder jedes jene jenem jenen jener jetzt
    kann kein keine keinem keinen keiner können könnte machen man manche mehr mein meine mit
    muss musste nach nicht nichts noch nun nur ob oder ohne schon sehr sein seine selbst sich
    sie sind so solche soll sollte sondern sowie über um und uns unser unsere unter viel vom
    von vor war waren warum was weil welche welchem welchen welcher welches wenn wer werden
    wie wieder will wir wird wirklich wo wollen worden wurde wurden zu zum zur zwar zwischen
    werden wurde haben habe hätte wäre sehr oft viele vielen immer bereits dabei dazu kaum
    the a an of and or to in for on
    """.split()
)

# Building blocks of compounds. Keep them as ordinary words (singular or plural); the analyser
# folds and stems them the same way as the text.
COMPOUND_PARTS = frozenset(
    """
    abend abschluss abschlüsse abschiebung agentur akte alltag alter amt ämter angebot
    anerkennung anfrage angst anmeldung anlauf annahme anschluss antrag anträge arbeit arbeiten
    arbeitgeber arbeitnehmer arzt ärzte aufenthalt aufenthalts ausbildung ausbilder ausländer
    ausweis auszubildende auto bahn bank bau bedarf behörde behörden beratung bereich beruf
    berufe beschäftigung bescheid bescheinigung besuch betreuung betrieb betriebe bewerbung
    bewerber bildung bürger bus chance dauer daten deutsch dienst dienste dokument dokumente
    dolmetscher einbürgerung einreise einrichtung einstieg eltern elektro energie erfahrung
    erlaubnis ersatz erzieher erziehung fach fachkraft fachkräfte fahrt fahrer fahrschule familie
    familien feld fern finanz firma firmen flucht flüchtling flüchtlinge förderung form formular
    frage frau frauen freizeit frist führerschein garten gast gastro gebühr gebühren geld gemeinde
    gesetz gesundheit gewerbe grund gruppe gut gutachten halle hand handel handwerk haus heim
    helfer hilfe hoch hochschule hotel ingenieur integration job jugend kammer karriere kassen
    kauf kind kinder kita klasse klinik koch kommune kompetenz konto kosten kraft kräfte kranken
    krankenhaus kultur kunde kunden kurs kurse land landes laden lage lehr lehre lehrer leistung
    lernen lohn lotse lotsen luft mangel markt maschine medizin meister miete mieter migration
    mitarbeiter mobilität monat nachweis nachweise netz netzwerk not pate paten patenschaft person
    personal pflege pflicht platz plätze plan portal praxis praktikum preis programm prüfung punkt
    qualifikation quote rat recht rente rück schein schicht schule schüler sicherung sozial sprach
    sprache stadt stelle stellen steuer stipendium studium stunde suche system tag team technik
    teil termin termine test träger übersetzung umzug unterkunft unterricht unterstützung urlaub
    verband verein verfahren vermittlung versicherung vertrag verwaltung visa visum vorbereitung
    wahl weg welt werk werkstatt wert willkommen wirtschaft wissen wohn wohnung wohnungen wohnraum
    zahl zeit zeugnis zeugnisse ziel zentrum zugang zuwanderung zuzug begleitung sachsen anhalt
    industrie handels handwerks pflegekraft pflegekräfte altenpflege kranken leiharbeit zeitarbeit
    saison ernte landwirtschaft logistik lager kranführer berufskraftfahrer bus fahr schnell
    kurz lang neu ort wohnort arbeitsort berufs anpassung lehrgang ausgleich maßnahme modul
    integrations orientierung einwanderung einwanderer bleibe recht rechts status agentur
    jobcenter center welcome service stelle stellen anzeige anzeigen messe messen börse
    nachwuchs azubi azubis mentor mentoren mentoring coach coaching tandem club treff café
    kontakt kontakte beamte beamten sachbearbeiter sachbearbeitung bearbeitung bearbeitungs
    wartezeit warte liste kapazität kapazitäten digital online papier post brief briefe
    gesellschaft vermietung vermieter verbindung verbindungen gleichwertigkeit feststellung
    bewertung bewertungen zulassung anwerbung gewinnung qualifizierung förderung ausstattung
    erstausstattung abschluss abschlüsse hilfskraft hilfskräfte berater beratungsstelle
    schutz gericht sicherheit einkommen gehalt gehälter beitrag beiträge leben alltags
    """.split()
)

# Female forms ending in -in whose stem is the male form (Ärztin, Mieterin, Studentin).
FEMALE_ENDINGS = ("erin", "ztin", "entin", "antin", "istin", "login", "eurin")

# Irregular forms the stemmer cannot join to their word.
IRREGULAR = {
    "anerkannt": "anerkennen",
    "anerkannte": "anerkennen",
    "anerkannten": "anerkennen",
    "erkannt": "erkennen",
    "erkennt": "erkennen",
    "bekannt": "bekannt",
    "gesucht": "suchen",
    "beantragt": "antrag",
    "beantragen": "antrag",
}
