import pytest

from rusfelt.tjenester.domain.sok import (
    fold,
    index_text,
    matches,
    query_terms,
    split_compound,
    stem,
)


def finds(query, *texts):
    return matches(index_text(*texts), query_terms(query))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("rusbehandling", "Behandling for rusproblemer"),  # the issue's own example
        ("rusproblem", "problemer med rus"),
        ("pårørende", "Samtaler for pårørende"),
        ("parorende", "Samtaler for pårørende"),
        ("PÅRØRENDE", "tilbud til pårørende"),
        ("tjeneste", "Kommunale tjenester"),
        ("behandl", "behandling"),  # a prefix
        ("helsestasjon", "Helsestasjon 0-5 år (seed 003 L396)"),
        ("ungdomsklubb", "Klubb for ungdom"),
        ("boliger", "Bolig med oppfølging"),
        ("lavterskeltilbud", "Lavterskel tilbud for rusavhengige"),
        ("overnatting", "Akutt overnatting for bostedsløse"),
        ("sprøyterom", "Smittevern, sprøyterom, feltpleie (seed 000 L2170)"),
    ],
)
def test_norwegian_forms_are_found(query, text):
    assert finds(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("rusbehandling", "Behandling av søvnvansker"),
        ("bolig", "Arbeidstrening"),
        ("pårørende", "Kafé for ungdom"),
    ],
)
def test_unrelated_texts_are_not_found(query, text):
    assert not finds(query, text)


def test_fold_handles_norwegian_letters_and_accents():
    assert fold("Ærlig Østensjø Året Kafé") == "aerlig ostensjo aret kafe"


def test_stem_strips_one_ending_and_keeps_short_words():
    assert stem("rusproblemer") == "rusproblem"
    assert stem("tjenester") == "tjenest"
    assert stem("rus") == "rus"
    assert stem("ane") == "ane"
    assert stem("avhengighet") == stem("avhengigheter") == "avhengighet"


def test_split_compound_needs_known_parts():
    assert split_compound("rusbehandling") == ["rus", "behandling"]
    assert split_compound("ungdomsklubb") == ["ungdom", "klubb"]
    assert split_compound("vindu") == []


def test_stop_words_and_empty_queries_ask_for_nothing():
    assert query_terms("for og til") == []
    assert query_terms("") == []


def test_a_compound_query_word_matches_whole_or_by_its_parts():
    assert query_terms("rusbehandling") == [[["rusbehandling"], ["rus", "behandling"]]]
    assert query_terms("bolig") == [[["bolig"]]]
    assert finds("", "anything")
