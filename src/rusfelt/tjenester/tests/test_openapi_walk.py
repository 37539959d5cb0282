"""The OpenAPI document and the views agree on every parameter.

The document is first checked against the OpenAPI 3.1 schema
(openapi-spec-validator). Then every query parameter of every operation is
sent a good value (200) and, where its schema limits it, bad values (400,
with a message naming the parameter): the values are made from the
document's own schema (type, enum, minimum, maximum, pattern, maxLength),
so a parameter the view reads differently from how the document describes
it fails here.
"""

import pytest
from django.urls import reverse
from openapi_spec_validator import validate

from rusfelt.tjenester.forms import ApiSokForm, HsdsPageForm

pytestmark = pytest.mark.django_db
GOOD_STRINGS = {"q": "rus", "search": "rus", "sted": "0301"}


@pytest.fixture
def doc(client, make_tjeneste):
    make_tjeneste("k46", name="K46", unit="1103", category="behandling")
    return client.get(reverse("tjenester_api:openapi")).json()


def _operations(doc):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _good(param):
    schema = param["schema"]
    if "enum" in schema:
        return schema["enum"][0]
    if schema["type"] == "integer":
        return str(schema.get("minimum", 1))
    return GOOD_STRINGS.get(param["name"], "x")


def _bad(param):
    schema = param["schema"]
    bad = []
    if schema["type"] == "integer":
        bad += ["abc", "null", "1.5"]
        if "minimum" in schema:
            bad.append(str(schema["minimum"] - 1))
        if "maximum" in schema:
            bad.append(str(schema["maximum"] + 1))
    if "enum" in schema:
        bad.append("null")
    if "pattern" in schema:
        bad.append("abc")
    if "maxLength" in schema:
        bad.append("a" * (schema["maxLength"] + 1))
    return bad


def _url(doc, path):
    base = doc["servers"][0]["url"].split("://", 1)[1].split("/", 1)[1]
    return "/" + base + path.lstrip("/")


def test_the_document_is_valid_openapi_3_1(doc):
    validate(doc)


def test_every_parameter_accepts_a_good_value(client, doc):
    checked = 0
    for path, _method, operation in _operations(doc):
        for param in operation.get("parameters", []):
            if param["in"] != "query":
                continue
            response = client.get(_url(doc, path), {param["name"]: _good(param)})
            assert response.status_code == 200, (path, param["name"], response.content[:200])
            checked += 1
    assert checked == 13


def test_every_limited_parameter_refuses_a_bad_value_with_400_and_a_message(client, doc):
    checked = 0
    for path, _method, operation in _operations(doc):
        for param in operation.get("parameters", []):
            if param["in"] != "query":
                continue
            for value in _bad(param):
                response = client.get(_url(doc, path), {param["name"]: value})
                assert response.status_code == 400, (path, param["name"], value)
                body = response.json()
                assert body["message"] and body["errors"][param["name"]], (param["name"], value)
                checked += 1
    assert checked >= 20


def test_the_issue_s_own_examples(client, doc):
    for value in ("null", "abc"):
        response = client.get(reverse("tjenester_api:list"), {"side": value})
        assert response.status_code == 400
        assert response.json()["errors"]["side"]


def test_the_views_read_exactly_the_documented_parameters(doc):
    documented = {path: {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
                  for path, _m, op in _operations(doc)}
    assert documented["/"] == set(ApiSokForm.base_fields)
    assert documented["/hsds/services"] == set(HsdsPageForm.base_fields)


def test_a_page_past_the_last_is_404_with_a_message(client, doc):
    response = client.get(reverse("tjenester_api:list"), {"side": "2"})
    assert response.status_code == 404
    assert "side" in response.json()["errors"]
