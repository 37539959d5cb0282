"""Reading a search as a question (domain/sporsmal.py): no database."""

import ast
from pathlib import Path

import pytest

from rusfelt.tjenester.domain import sok, sporsmal
from rusfelt.tjenester.domain.sporsmal import Doc, parse


def doc(text, name="", **kwargs):
    return Doc(sok.index_text(name), sok.index_text(name, text), **kwargs)


def test_the_domain_module_imports_no_django():
    tree = ast.parse(Path(sporsmal.__file__).read_text())
    names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [n for n in names if n.startswith("django")]


def test_words_of_the_question_need_not_match():
    # The issue: "jeg trenger hjelp med rus" gave 0 where "rus" gave 82.
    assert parse("jeg trenger hjelp med rus").groups == parse("rus").groups == [[["rus"]]]
    assert parse("hjelp til pårørende").words == ["parorende"]


@pytest.mark.parametrize(("text", "understood"), [
    ("åpent nå", ["apen"]),
    ("åpen nå", ["apen"]),
    ("open now", ["apen"]),
    ("akutt", ["akutt"]),
    ("nå", ["akutt"]),
    ("i natt", ["akutt", "natt"]),
    ("natt", ["natt"]),
    ("hvor kan jeg sove", ["natt"]),
    ("pårørende", ["parorende"]),
    ("sønnen min ruser seg", ["parorende"]),
    ("ung", ["ung"]),
    ("ungdom", ["ung"]),
    ("rus", []),
])
def test_intent_words(text, understood):
    assert parse(text).understood == understood


def test_an_age_in_the_question():
    q = parse("jeg er 17 år og ruser meg")
    assert q.age == 17
    assert q.words == ["ruser"]


def test_everyday_and_english_words_get_the_directory_s_words():
    assert ["alkohol"] in parse("jeg drikker for mye").groups[0]
    assert ["overnatting"] in parse("night shelter").groups[1]


def test_a_misspelt_compound_is_corrected_by_its_parts():
    # The example: "rusbehandlng".
    assert sporsmal.correct("rusbehandlng", ["behandling", "bolig"]) == [["rus", "behandling"]]
    assert sporsmal.correct("overnattig", ["overnatting"]) == [["overnatting"]]
    assert sporsmal.correct("xyzzy", ["behandling"]) == []
    assert sporsmal.correct("bo", ["bolig"]) == []  # too short to guess


def test_corrections_are_added_only_where_nothing_matches():
    q = parse("rusbehandlng bolig")
    q = sporsmal.with_corrections(q, lambda term: term in ("rus", "bolig", "behandling"),
                                  lambda term: ["behandling"])
    assert ["rus", "behandling"] in q.groups[0]
    assert q.groups[1] == [["bolig"], ["bo"]]


def test_more_matched_words_rank_higher():
    q = parse("rus bolig")
    both = doc("Bolig for personer med rus")
    one = doc("Bolig med oppfølging", name="Bolig")
    assert sporsmal.matched_groups(q, both) == 2
    assert sorted([one, both], key=lambda d: sporsmal.rank_key(q, d))[0] is both


def test_a_name_match_ranks_above_a_text_match():
    q = parse("feltpleie")
    assert sporsmal.score(q, doc("", name="Feltpleie")) > sporsmal.score(q, doc("Feltpleie."))


def test_intents_prefer_matching_services():
    urgent = parse("akutt")
    assert (sporsmal.score(urgent, doc("akutt", category="akutt", open_now=True))
            > sporsmal.score(urgent, doc("akutt")))
    relatives = parse("pårørende")
    assert (sporsmal.score(relatives, doc("pårørende", target_groups=("parorende",)))
            > sporsmal.score(relatives, doc("pårørende")))
    young = parse("ung")
    assert (sporsmal.score(young, doc("unge", age_min=16, age_max=25))
            > sporsmal.score(young, doc("unge", age_min=18)))
    age = parse("17 år rus")
    assert (sporsmal.score(age, doc("rus", age_min=18))
            < sporsmal.score(age, doc("rus", age_min=16, age_max=25)))


def test_rare_words_weigh_more_than_common_ones():
    q = parse("alkohol rus")
    docs = [doc("rus"), doc("rus"), doc("rus alkohol")]
    rare = sporsmal.rarity(q, docs)
    assert rare[("alkohol",)] > rare[("rus",)]


# --- rank_keys: the same keys in one pass (issue 12) ----------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = ["rus", "behandling", "rusbehandling", "bolig", "oppfolging", "akutt", "natt",
         "overnatting", "parorende", "ung", "kafe", "lavterskel", "samtale", "hjelp"]
QUESTIONS = ["rusbehandling", "bolig med oppfølging", "akutt hjelp nå", "overnatting i natt",
             "pårørende", "ung 17 år", "lavterskel kafé", "", "samtale for pårørende 15 år",
             "rus bolig natt"]

docs_strategy = st.lists(st.builds(
    doc,
    st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join),
    name=st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join),
    category=st.sampled_from(["", "akutt", "parorende", "lavterskel"]),
    target_groups=st.lists(st.sampled_from(["parorende", "barn_parorende", "ungdom",
                                            "voksne"]), max_size=2).map(tuple),
    age_min=st.sampled_from([None, 13, 16, 18]), age_max=st.sampled_from([None, 25, 30, 67]),
    open_now=st.booleans(), open_at_night=st.booleans(),
), max_size=25)


@settings(max_examples=60, deadline=None)
@given(question=st.sampled_from(QUESTIONS), docs=docs_strategy)
def test_rank_keys_are_the_keys_of_matched_groups_rarity_and_rank_key(question, docs):
    q = parse(question)
    kept = [d for d in docs if not q.groups or sporsmal.matched_groups(q, d)]
    rare = sporsmal.rarity(q, kept)
    expected = [sporsmal.rank_key(q, d, rare) if (not q.groups or
                                                  sporsmal.matched_groups(q, d)) else None
                for d in docs]
    assert sporsmal.rank_keys(q, docs) == expected


@settings(max_examples=40, deadline=None)
@given(question=st.sampled_from(QUESTIONS), docs=docs_strategy)
def test_rank_keys_from_found_terms_need_no_texts(question, docs):
    """The search asks the database where each term stands; with those answers the
    keys are the same without the documents' texts."""
    from dataclasses import replace

    q = parse(question)
    found = [[(sporsmal._has(d.name_index, alt), sporsmal._has(d.search_index, alt))
              for alt in sporsmal.alternatives(q)] for d in docs]
    blank = [replace(d, name_index="", search_index="") for d in docs]
    assert sporsmal.rank_keys(q, blank, found) == sporsmal.rank_keys(q, docs)


@settings(max_examples=40, deadline=None)
@given(question=st.sampled_from(QUESTIONS), docs=docs_strategy)
def test_rank_keys_of_alike_docs_counted_once_are_the_same(question, docs):
    """The search ranks each kind of document once with its number (issue 12)."""
    from dataclasses import astuple

    q = parse(question)
    kinds = {astuple(d): d for d in docs}
    counts = [sum(astuple(d) == kind for d in docs) for kind in kinds]
    keys = sporsmal.rank_keys(q, list(kinds.values()), counts=counts)
    by_kind = dict(zip(kinds, keys, strict=True))
    assert [by_kind[astuple(d)] for d in docs] == sporsmal.rank_keys(q, docs)
