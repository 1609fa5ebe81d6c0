"""The m01 exercise's hidden checks hold the register's and the world's truth, so they cannot drift.

A graded kernel cannot read grading/, so the hidden checks of
notebooks/m01-investigation-and-law/06-exercise.ipynb embed their expected values (each hidden
region assigns ``expected = <literal>``). These tests read those values from the notebook and
compare them with the m01 answer key in grading/world/ground-truth.yml, and derive the legal
answers again from the law register (src/osintlab/law/register.yml) and the world's data, so
a change to the register or to datasets/ that would silently break grading fails here first.
They also run each check cell's visible part on the right answer and on the classic
shape-correct mistakes: the visible checks must let the right answer through and stop each
mistake with a message that names it, and never pass a wrong answer on to full marks.
"""

from __future__ import annotations

import ast
import hashlib

import nbformat
import pytest
import yaml
from conftest import ROOT

from osintlab import law
from osintlab.curriculum.cells import HIDDEN_TESTS, nbgrader_meta, tag_lines
from osintlab.exceptions import CheckFailed

MODULE = "m01-investigation-and-law"
EXERCISE = ROOT / "notebooks" / MODULE / "06-exercise.ipynb"
LESSON_04 = ROOT / "notebooks" / MODULE / "04-opsec-and-personas.ipynb"
TRUTH = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))
KEY = TRUTH[MODULE]

#: answer variable -> the grade_id of its check cell
CHECKS = {
    "phases": "check-phases",
    "action_phases": "check-action-phases",
    "labels": "check-labels",
    "proportionate": "check-proportionate",
    "collection_record": "check-collection-record",
    "defects": "check-defects",
}


def _cell(grade_id: str, path=EXERCISE) -> str:
    for cell in nbformat.read(path, as_version=4).cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id or cell.get("id") == grade_id:
            return cell.source
    raise AssertionError(f"{path.name} has no cell {grade_id!r}")


def _part(grade_id: str, state: str) -> str:
    return "\n".join(
        line for line, where in tag_lines(_cell(grade_id), HIDDEN_TESTS) if where == state
    )


def _hidden_expected(grade_id: str):
    """The literal that the hidden region of a check cell assigns to ``expected``."""
    for node in ast.walk(ast.parse(_part(grade_id, "inside"))):
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["expected"]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"the hidden tests of {grade_id!r} assign no `expected`")


def _run(grade_id: str, part: str, name: str, value) -> None:
    """Run one part of a check cell as the graded kernel would, with the answer defined."""
    exec(_part(grade_id, part), {name: value})  # the course's own check code


def _visible_passes(name: str, value) -> None:
    _run(CHECKS[name], "outside", name, value)


def _visible_refuses(name: str, value, words: str) -> str:
    with pytest.raises(CheckFailed) as caught:
        _visible_passes(name, value)
    assert words in str(caught.value), str(caught.value)
    assert f"`{name}`" in str(caught.value) or name in str(caught.value)
    return str(caught.value)


def _label_for_kazakhstan(fact_id: str) -> str:
    """The label a fact of the register has for a case in Kazakhstan (the rule lessons 02/05 teach).

    - unconfirmed in the register: not_confirmed;
    - guidance (kind standard): reference_standard;
    - a state's own code or law (an id starting with its country code): national_law;
    - a treaty the register records as in force for Kazakhstan: treaty_in_force_kz;
    - a Budapest Convention fact: reference_standard, because the register records Kazakhstan
      as not a Party (budapest-kz).
    """
    fact = law.fact(fact_id)
    if fact["status"] != "confirmed":
        return "not_confirmed"
    if fact["kind"] == "standard":
        return "reference_standard"
    if fact_id.split("-")[0] in ("kz", "kg", "tj", "tm", "uz") and fact["where"] != "international":
        return "national_law"
    if fact["where"] == "KZ" and "in force" in fact["statement"]:
        return "treaty_in_force_kz"
    if fact_id.startswith("budapest-"):
        assert "not listed as a Party" in law.fact("budapest-kz")["statement"]
        return "reference_standard"
    raise AssertionError(f"no label rule for {fact_id}")


# --- the hidden values are the answer key ---------------------------------------------------


def test_every_graded_task_has_an_embedded_expected_value():
    """Does every check cell of the exercise hide an expected value to grade against?"""
    graded = [
        nbgrader_meta(c)["grade_id"]
        for c in nbformat.read(EXERCISE, as_version=4).cells
        if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")
    ]
    assert sorted(graded) == sorted(CHECKS.values())
    for grade_id in graded:
        _hidden_expected(grade_id)


@pytest.mark.parametrize("name", ["phases", "proportionate", "defects", "collection_record",
                                  "action_phases"])
def test_hidden_value_equals_the_ground_truth(name):
    """Does the hidden check grade against exactly the answer key of ground-truth.yml?"""
    expected = _hidden_expected(CHECKS[name])
    truth = KEY[name]
    if name in ("proportionate", "defects"):
        assert expected == sorted(truth)
    else:
        assert expected == truth


def test_hidden_labels_equal_the_ground_truth_and_the_register():
    """Is each statement's label the one its register fact gives, for a case in Kazakhstan?"""
    expected = _hidden_expected("check-labels")
    assert expected == {key: entry["label"] for key, entry in KEY["labels"].items()}
    for key, entry in KEY["labels"].items():
        assert _label_for_kazakhstan(entry["fact"]) == entry["label"], key


def test_the_label_rule_reads_the_register_not_a_memory():
    """Would the rule notice a change of status (for example Kyrgyzstan's draft adopted)?"""
    assert _label_for_kazakhstan("kg-cpc-draft") == "not_confirmed"
    assert _label_for_kazakhstan("budapest-16") == "reference_standard"
    assert _label_for_kazakhstan("cis-2018") == "treaty_in_force_kz"
    assert _label_for_kazakhstan("kz-osa-1994") == "national_law"
    assert _label_for_kazakhstan("un-cybercrime-articles") == "not_confirmed"


def test_the_phases_are_the_registers_six_phases_in_order():
    """Are the phase codes the Berkeley Protocol's phases as the register states them?"""
    statement = law.fact("bp-phases")["statement"]
    named = statement.split(":", 1)[1].strip().rstrip(".").split(";")
    codes = [phase.strip().lower().replace(" ", "_") for phase in named]
    assert codes == KEY["phases"] == _hidden_expected("check-phases")


def test_the_actions_fall_into_every_phase():
    """Does Task 2 use every phase, and put the hash re-check under preservation?"""
    assert set(KEY["action_phases"].values()) == set(KEY["phases"])
    assert KEY["action_phases"]["H"] == "preservation"


def test_the_task_5_distractor_is_the_mirrors_server_in_the_world():
    """Is 203.0.113.45 really the server of dala-market.example in the world's DNS?"""
    zone = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "datasets" / "domains" / "dns").rglob("*")
        if p.is_file()
    )
    assert f"dala-market.example.\t300\tIN\tA\t{KEY['site_server_ip']}" in zone
    assert KEY["collection_record"]["public_ip"] != KEY["site_server_ip"]
    assert KEY["collection_record"]["public_ip"].startswith("192.0.2.")


def test_the_task_6_draft_has_exactly_the_defects_of_the_key():
    """Does the draft in the setup cell show each defect of the key, and only those?"""
    namespace: dict = {}
    exec(_cell("setup-draft"), namespace)  # the course's own notebook code
    draft = namespace["draft"]
    login = (ROOT / "datasets" / KEY["draft_sha256_is_of"]).read_bytes()
    assert draft["sha256"] == "sha256:" + hashlib.sha256(login).hexdigest()
    found = set()
    if draft["clock_synced"] is not True:
        found.add("clock_unsynced")
    if not draft.get("public_ip"):
        found.add("no_public_address")
    if "login" in draft["final_url"] and draft["url"] != draft["final_url"]:
        found.add("screenshot_error_page")
    assert draft["url"] and draft["html_code"] and draft["sha256"] and "persona" in draft
    assert draft["collected_at"].endswith("Z")
    assert found == set(KEY["defects"])


def test_the_defect_codes_are_the_ones_lesson_04_teaches():
    """Does the exercise accept exactly the defect codes of lesson 04's table?"""
    namespace: dict = {}
    exec(_cell("unknown-code", LESSON_04), namespace)
    exec(_part("check-defects", "outside").split("check.is_type")[0].replace(
        'defects = check.answer("defects")', ""), namespace)
    assert sorted(namespace["defect_codes"]) == namespace["known"]


# --- the visible checks: the right answer passes, the classic mistakes are stopped -----------


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_right_answer_passes_visible_and_hidden_checks(name):
    """Does the answer key pass every check of its cell, visible and hidden?"""
    value = KEY[name] if name != "labels" else {k: e["label"] for k, e in KEY["labels"].items()}
    exec(_cell(CHECKS[name]), {name: value})


@pytest.mark.parametrize("name, value, words", [
    ("phases", [], "empty list"),
    ("phases", "online_inquiry, collection", "should be a list"),
    ("phases", ["online_inquiry", "preliminary_assessment", "colection", "preservation",
                "verification", "investigative_analysis"], "Did you mean 'collection'?"),
    ("phases", ["Online inquiry"], "is not one of the six phase codes"),
    ("phases", ["online_inquiry", "collection", "collection"], "same code twice"),
    ("phases", ["online_inquiry", "collection"], "number of items in `phases` is 2"),
    ("action_phases", {}, "empty dictionary"),
    ("action_phases", ["online_inquiry"] * 10, "should be a dictionary"),
    ("action_phases", {"A": "online_inquiry"}, "has no key 'B'"),
    ("action_phases", {**{k: "collection" for k in "ABCDEFGHIJ"}, "K": "collection"},
     "has the key 'K'"),
    ("action_phases", {**{k: "collection" for k in "ABCDEFGHIJ"}, "H": "verfication"},
     "Did you mean 'verification'?"),
    ("labels", {}, "empty dictionary"),
    ("labels", {f"S{n}": "reference_standard" for n in range(1, 9)}, "the same label"),
    ("labels", {**{f"S{n}": "national_law" for n in range(1, 9)}, "S3": "treaty"},
     "Did you mean 'treaty_in_force_kz'?"),
    ("labels", {f"s{n}": "national_law" for n in range(1, 9)}, "has no key 'S1'"),
    ("proportionate", [], "empty list"),
    ("proportionate", ["capture_courier_posts", "note_why_each_itme"],
     "Did you mean 'note_why_each_item'?"),
    ("proportionate", ["capture_courier_posts", "save_all_group_members",
                       "capture_courier_photo_file", "note_why_each_item",
                       "capture_sister_wedding_photos", "message_courier_from_personal_account",
                       "log_in_with_leaked_password", "save_namesake_whole_profile"],
     "all eight actions"),
    ("collection_record", {}, "empty dictionary"),
    ("collection_record", {"collector": "x"}, "has no key 'url'"),
    ("defects", [], "empty list"),
    ("defects", ["no_time_zone"], "Did you mean"),
    ("defects", ["no_url", "no_html_code", "screenshot_error_page", "no_hash",
                 "local_time_no_offset", "clock_unsynced", "no_public_address", "no_persona"],
     "all eight codes"),
    ("defects", ["clock_unsynced", "clock_unsynced"], "same code twice"),
])
def test_a_classic_mistake_is_stopped_by_the_visible_checks(name, value, words):
    """Does the visible check stop a shape-correct mistake and name what to change?"""
    _visible_refuses(name, value, words)


@pytest.mark.parametrize("field, value, words", [
    ("collected_at", "2024-11-25 09:18:33", "not a UTC time"),
    ("public_ip", "203.0.113.45", "the site's server"),
    ("clock_synced", "True", "without quotes"),
    ("persona", "", "is empty"),
    ("persona", "None", "none in small letters"),
    ("persona", None, "is empty"),
    ("collected_at", "2024-11-25T09:18:33Z", "Almaty time of the notes"),
])
def test_the_collection_record_mistakes_are_named(field, value, words):
    """Does Task 5 name the local time, the site's address, a quoted True and an empty persona?"""
    _visible_refuses("collection_record", {**KEY["collection_record"], field: value}, words)


@pytest.mark.parametrize("name, value", [
    ("phases", ["preliminary_assessment", "online_inquiry", "collection", "preservation",
                "verification", "investigative_analysis"]),
    ("action_phases", {**KEY["action_phases"], "H": "verification"}),
    ("labels", {**{k: e["label"] for k, e in KEY["labels"].items()}, "S4": "treaty_in_force_kz"}),
    ("proportionate", ["capture_courier_posts", "note_why_each_item"]),
    ("collection_record", {**KEY["collection_record"], "collector": "D. Rakhimova"}),
    ("defects", ["clock_unsynced", "no_public_address"]),
])
def test_a_wrong_answer_of_the_right_shape_never_gets_the_points(name, value):
    """Is a wrong answer that passes the visible checks refused by the hidden ones?"""
    _visible_passes(name, value)
    with pytest.raises(CheckFailed):
        exec(_cell(CHECKS[name]), {name: value})


def test_the_typical_mistake_is_what_its_card_says():
    """Does the mistake hand-in hold the three documented mistakes, each failing its cell?"""
    mistake = ROOT / "grading" / "mistakes" / f"{MODULE}.ipynb"
    card = yaml.safe_load(mistake.with_suffix(".yml").read_text(encoding="utf-8"))
    cells = {nbgrader_meta(c).get("grade_id"): c.source
             for c in nbformat.read(mistake, as_version=4).cells}
    failing = set()
    for name, grade_id in CHECKS.items():
        namespace: dict = {}
        exec(cells["answer-" + grade_id.removeprefix("check-")], namespace)
        try:
            exec(_cell(grade_id), {name: namespace[name]})
        except CheckFailed:
            failing.add("answer-" + grade_id.removeprefix("check-"))
    assert failing == {m["cell"] for m in card["mistakes"]}
