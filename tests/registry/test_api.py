"""The REST API as Confluent's registry serves it: routes, shapes, media types, error codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

V1 = "application/vnd.schemaregistry.v1+json"


def record(name: str, *fields: tuple[str, Any]) -> str:
    """A record schema's text from (field name, field type) pairs."""
    return json.dumps(
        {"type": "record", "name": name, "fields": [{"name": n, "type": t} for n, t in fields]}
    )


USER = record("User", ("name", "string"))
USER_AGE = json.dumps(
    {
        "type": "record",
        "name": "User",
        "fields": [
            {"name": "name", "type": "string"},
            {"name": "age", "type": "int", "default": 0},
        ],
    }
)
USER_REQUIRED_AGE = record("User", ("name", "string"), ("age", "int"))


@pytest.fixture(scope="module")
def http(registry: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=registry.url, timeout=30) as client:
        yield client


def register(http: httpx.Client, subject: str, schema: str, **body: Any) -> httpx.Response:
    return http.post(f"/subjects/{subject}/versions", json={"schema": schema, **body})


def error(response: httpx.Response) -> tuple[int, int]:
    return response.status_code, response.json()["error_code"]


# -- root, types, contexts, associations, media types --------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/", {}),
        ("POST", "/", {}),
        ("GET", "/schemas/types", ["AVRO"]),
        ("GET", "/contexts", ["."]),
        ("GET", "/associations/resources/-/orders?resourceType=topic&associationType=value", []),
    ],
)
def test_fixed_answers(http: httpx.Client, method: str, path: str, expected: Any) -> None:
    response = http.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, V1),
        ("application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, "
         "application/json", V1),
        ("application/json", "application/json"),
        ("application/vnd.schemaregistry+json", "application/vnd.schemaregistry+json"),
        ("*/*", V1),
        ("text/html", V1),
    ],
)  # fmt: skip
def test_answers_json_whatever_the_accept_header(
    http: httpx.Client, accept: str | None, content_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = http.get("/schemas/types", headers=headers)
    assert response.headers["content-type"] == content_type
    assert response.json() == ["AVRO"]


@pytest.mark.parametrize(
    ("content_type", "status"),
    [(V1, 200), ("application/vnd.schemaregistry+json", 200), ("application/json", 200),
     ("application/octet-stream", 200), ("application/json; charset=utf-8", 200),
     ("text/plain", 415)],
)  # fmt: skip
def test_request_media_types(
    http: httpx.Client, subject: str, content_type: str, status: int
) -> None:
    response = http.post(
        f"/subjects/{subject}/versions",
        content=json.dumps({"schema": USER}),
        headers={"Content-Type": content_type},
    )
    assert response.status_code == status


# -- register: ids, versions, identity ---------------------------------------------------------


def test_ids_count_from_one_and_identity_is_the_canonical_form(start_registry: Any) -> None:
    registry = start_registry()
    with httpx.Client(base_url=registry.url) as http:
        first = register(http, "a-value", USER).json()
        assert (first["id"], first["version"]) == (1, 1)
        # Same subject, same schema: same id and version, no new version.
        assert register(http, "a-value", USER).json()["version"] == 1
        assert http.get("/subjects/a-value/versions").json() == [1]
        # Another subject, the same schema spelled differently: the same global id.
        respelled = json.dumps(json.loads(USER), indent=2, sort_keys=True)
        other = register(http, "b-value", respelled).json()
        assert (other["id"], other["version"]) == (1, 1)
        # The stored text is the canonical one, whatever was sent.
        assert http.get("/subjects/b-value/versions/1").json()["schema"] == USER.replace(" ", "")
        second = register(http, "a-value", USER_AGE).json()
        assert (second["id"], second["version"]) == (2, 2)
        assert http.get("/schemas/ids/1/subjects").json() == ["a-value", "b-value"]
        assert http.get("/schemas/ids/1/versions").json() == [
            {"subject": "a-value", "version": 1},
            {"subject": "b-value", "version": 1},
        ]


def test_namespace_spelling_does_not_change_identity(http: httpx.Client, subject: str) -> None:
    split = json.dumps({"type": "record", "name": "R", "namespace": "io.x", "fields": []})
    dotted = json.dumps({"type": "record", "name": "io.x.R", "fields": []})
    assert (
        register(http, subject, split).json()["id"] == register(http, subject, dotted).json()["id"]
    )


def test_register_answer_shape(http: httpx.Client, subject: str) -> None:
    answer = register(http, subject, USER).json()
    assert set(answer) >= {"id", "version", "schema", "schemaType", "subject"}
    assert answer["schemaType"] == "AVRO"
    assert json.loads(answer["schema"]) == json.loads(USER)


def test_subject_with_a_slash_routes_percent_encoded(http: httpx.Client) -> None:
    assert register(http, "team%2Forders-value", USER).status_code == 200
    assert "team/orders-value" in http.get("/subjects").json()
    assert http.get("/subjects/team%2Forders-value/versions").json() == [1]
    assert http.get("/subjects/team/orders-value/versions").status_code == 404


def test_incompatible_change_is_409_naming_what_broke(http: httpx.Client, subject: str) -> None:
    register(http, subject, USER)
    response = register(http, subject, USER_REQUIRED_AGE)
    assert error(response) == (409, 40901)
    message = response.json()["message"]
    assert message.startswith(
        f'Schema being registered is incompatible with an earlier schema for subject "{subject}"'
    )
    assert "The field 'age' at path '/fields/1' in the new schema has no default value" in message
    assert "{validateFields: 'false', compatibility: 'BACKWARD'}" in message


def test_force_skips_the_compatibility_check(http: httpx.Client, subject: str) -> None:
    register(http, subject, USER)
    response = http.post(
        f"/subjects/{subject}/versions?force=True", json={"schema": USER_REQUIRED_AGE}
    )
    assert response.json()["version"] == 2


def test_normalize_sorts_aliases_and_properties(http: httpx.Client, subject: str) -> None:
    schema = json.dumps(
        {"type": "record", "name": "N", "zeta": 1, "alpha": 2, "aliases": ["b", "a"],
         "fields": [{"name": "f", "type": "int", "y": 1, "x": 2}]}
    )  # fmt: skip
    plain = register(http, subject, schema).json()
    normalized = http.post(
        f"/subjects/{subject}-n/versions?normalize=True", json={"schema": schema}
    ).json()
    assert json.loads(normalized["schema"])["aliases"] == ["a", "b"]
    assert normalized["schema"].index('"alpha"') < normalized["schema"].index('"zeta"')
    assert plain["schema"].index('"zeta"') < plain["schema"].index('"alpha"')
    assert normalized["id"] != plain["id"]
    # A lookup with normalize finds the normalized registration from the raw text.
    found = http.post(f"/subjects/{subject}-n?normalize=true", json={"schema": schema})
    assert found.json()["id"] == normalized["id"]


# -- reading versions --------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "2", "latest", "LATEST", "Latest", "-1"])
def test_get_version(http: httpx.Client, subject: str, version: str) -> None:
    register(http, subject, USER)
    register(http, subject, USER_AGE)
    answer = http.get(f"/subjects/{subject}/versions/{version}").json()
    assert answer["subject"] == subject
    assert answer["version"] == (1 if version == "1" else 2)


@pytest.mark.parametrize("version", ["0", "-2", "abc", "2147483648", "1.5"])
def test_invalid_version_is_42202(http: httpx.Client, subject: str, version: str) -> None:
    register(http, subject, USER)
    for path in (f"/subjects/{subject}/versions/{version}",
                 f"/subjects/{subject}/versions/{version}/schema"):  # fmt: skip
        response = http.get(path)
        assert error(response) == (422, 42202)
        assert f"'{version}' is not a valid version id" in response.json()["message"]


def test_missing_subject_and_version(http: httpx.Client, subject: str) -> None:
    assert error(http.get(f"/subjects/{subject}/versions")) == (404, 40401)
    response = http.get(f"/subjects/{subject}/versions/1")
    assert error(response) == (404, 40401)
    assert response.json()["message"] == f"Subject '{subject}' not found."
    register(http, subject, USER)
    response = http.get(f"/subjects/{subject}/versions/7")
    assert error(response) == (404, 40402)
    assert response.json()["message"] == "Version 7 not found."


def test_raw_schema_and_schema_by_id(http: httpx.Client, subject: str) -> None:
    schema_id = register(http, subject, USER).json()["id"]
    raw = http.get(f"/subjects/{subject}/versions/1/schema")
    assert json.loads(raw.text) == json.loads(USER)
    by_id = http.get(f"/schemas/ids/{schema_id}", params={"subject": subject}).json()
    assert json.loads(by_id["schema"]) == json.loads(USER)
    assert json.loads(http.get(f"/schemas/ids/{schema_id}/schema").text) == json.loads(USER)
    with_max = http.get(f"/schemas/ids/{schema_id}?fetchMaxId=True").json()
    assert with_max["maxId"] >= schema_id
    guid = by_id["guid"]
    assert http.get(f"/schemas/guids/{guid}").json()["schema"] == by_id["schema"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/schemas/ids/999999", (404, 40403)),
        ("/schemas/ids/999999/versions", (404, 40403)),
        ("/schemas/ids/999999/subjects", (404, 40403)),
        ("/schemas/guids/00000000-0000-0000-0000-000000000000", (404, 40403)),
        ("/schemas/ids/abc", (404, 404)),
        ("/nowhere", (404, 404)),
    ],
)
def test_unknown_ids(http: httpx.Client, path: str, expected: tuple[int, int]) -> None:
    assert error(http.get(path)) == expected


def test_unknown_id_message(http: httpx.Client) -> None:
    assert http.get("/schemas/ids/999999").json()["message"] == "Schema 999999 not found"


def test_lookup_under_subject(http: httpx.Client, subject: str) -> None:
    registered = register(http, subject, USER).json()
    found = http.post(f"/subjects/{subject}?normalize=False&deleted=False", json={"schema": USER})
    assert found.status_code == 200
    assert {k: found.json()[k] for k in ("subject", "version", "id")} == {
        "subject": subject, "version": 1, "id": registered["id"]}  # fmt: skip
    assert error(http.post(f"/subjects/{subject}", json={"schema": USER_AGE})) == (404, 40403)
    assert error(http.post(f"/subjects/{subject}-x", json={"schema": USER})) == (404, 40401)


def test_listing_subjects_with_prefix_and_paging(start_registry: Any) -> None:
    registry = start_registry()
    with httpx.Client(base_url=registry.url) as http:
        for name in ("b-value", "a-value", "a-key", "c-value"):
            register(http, name, USER)
        assert http.get("/subjects").json() == ["a-key", "a-value", "b-value", "c-value"]
        assert http.get("/subjects?subjectPrefix=a-").json() == ["a-key", "a-value"]
        assert http.get("/subjects?offset=1&limit=2").json() == ["a-value", "b-value"]
        assert error(http.get("/subjects?offset=x")) == (404, 404)
        latest = http.get("/schemas?latestOnly=true&subjectPrefix=c").json()
        assert [entry["subject"] for entry in latest] == ["c-value"]


def test_latest_with_metadata(http: httpx.Client, subject: str) -> None:
    metadata = {"properties": {"owner": "shop-team"}}
    register(http, subject, USER, metadata=metadata)
    register(http, subject, USER_AGE)
    found = http.get(f"/subjects/{subject}/metadata?key=owner&value=shop-team").json()
    assert (found["version"], found["metadata"]) == (1, metadata)
    missing = http.get(f"/subjects/{subject}/metadata?key=owner&value=nobody")
    assert error(missing) == (404, 40403)


# -- deletes ----------------------------------------------------------------------------------


def test_soft_and_permanent_version_delete(http: httpx.Client, subject: str) -> None:
    first = register(http, subject, USER).json()
    register(http, subject, USER_AGE)
    assert http.delete(f"/subjects/{subject}/versions/1").json() == 1
    assert http.get(f"/subjects/{subject}/versions").json() == [2]
    assert http.get(f"/subjects/{subject}/versions?deleted=True").json() == [1, 2]
    assert http.get(f"/subjects/{subject}/versions?deletedOnly=true").json() == [1]
    assert http.get(f"/subjects/{subject}/versions?deletedAsNegative=true").json() == [-1, 2]
    assert error(http.get(f"/subjects/{subject}/versions/1")) == (404, 40402)
    shown = http.get(f"/subjects/{subject}/versions/1?deleted=true").json()
    assert shown["deleted"] is True
    # Old data stays decodable: the id still resolves.
    assert http.get(f"/schemas/ids/{first['id']}").status_code == 200
    assert error(http.delete(f"/subjects/{subject}/versions/1")) == (404, 40406)
    assert error(http.delete(f"/subjects/{subject}/versions/2?permanent=true")) == (404, 40407)
    assert http.delete(f"/subjects/{subject}/versions/1?permanent=TRUE").json() == 1
    assert http.get(f"/subjects/{subject}/versions?deleted=true").json() == [2]
    assert error(http.delete(f"/subjects/{subject}/versions/9")) == (404, 40402)
    assert error(http.delete(f"/subjects/{subject}/versions/zero")) == (422, 42202)


def test_new_versions_are_numbered_past_soft_deleted_ones(http: httpx.Client, subject: str) -> None:
    register(http, subject, USER)
    register(http, subject, USER_AGE)
    http.delete(f"/subjects/{subject}/versions/2")
    again = register(http, subject, record("User", ("name", "string"), ("x", "string")))
    assert error(again) == (409, 40901)
    forced = http.post(
        f"/subjects/{subject}/versions?force=true",
        json={"schema": record("User", ("name", "string"), ("x", "string"))},
    ).json()
    assert forced["version"] == 3


def test_re_registering_a_soft_deleted_schema_keeps_its_id(
    http: httpx.Client, subject: str
) -> None:
    first = register(http, subject, USER).json()
    http.delete(f"/subjects/{subject}/versions/1")
    again = register(http, subject, USER).json()
    assert (again["id"], again["version"]) == (first["id"], 2)


def test_subject_delete_soft_then_permanent(start_registry: Any) -> None:
    registry = start_registry()
    with httpx.Client(base_url=registry.url) as http:
        register(http, "s", USER)
        register(http, "s", USER_AGE)
        http.put("/config/s", json={"compatibility": "NONE"})
        assert error(http.delete("/subjects/s?permanent=true")) == (404, 40405)
        assert http.delete("/subjects/s").json() == [1, 2]
        assert http.get("/subjects").json() == []
        assert http.get("/subjects?deleted=true").json() == ["s"]
        assert http.get("/subjects?deletedOnly=true").json() == ["s"]
        assert error(http.get("/subjects/s/versions")) == (404, 40401)
        assert error(http.delete("/subjects/s")) == (404, 40404)
        assert http.get("/schemas/ids/2").status_code == 200
        assert http.delete("/subjects/s?permanent=true").json() == [1, 2]
        assert http.get("/subjects?deleted=true").json() == []
        assert error(http.get("/schemas/ids/2")) == (404, 40403)
        # The subject's config went with it.
        assert error(http.get("/config/s")) == (404, 40408)
        assert error(http.delete("/subjects/s")) == (404, 40401)
        # Versions restart at 1 after a permanent delete; ids never go back.
        again = register(http, "s", USER_REQUIRED_AGE).json()
        assert (again["id"], again["version"]) == (3, 1)


# -- references ---------------------------------------------------------------------------------


ADDRESS = json.dumps(
    {"type": "record", "name": "Address", "namespace": "io.shop",
     "fields": [{"name": "city", "type": "string"}]}
)  # fmt: skip
CUSTOMER = json.dumps(
    {"type": "record", "name": "Customer", "namespace": "io.shop",
     "fields": [{"name": "id", "type": "string"}, {"name": "home", "type": "io.shop.Address"}]}
)  # fmt: skip


def test_references(http: httpx.Client, subject: str) -> None:
    address_subject = f"{subject}-address"
    register(http, address_subject, ADDRESS)
    references = [{"name": "io.shop.Address", "subject": address_subject, "version": 1}]
    customer = register(http, subject, CUSTOMER, references=references)
    assert customer.status_code == 200, customer.text
    entity = http.get(f"/subjects/{subject}/versions/latest").json()
    assert entity["references"] == references
    # The referenced type stays a name in the stored text; it is not inlined.
    assert '"type":"Address"' in entity["schema"]
    assert json.loads(entity["schema"])["fields"][1]["type"] == "Address"
    by_id = http.get(f"/schemas/ids/{customer.json()['id']}").json()
    assert by_id["references"] == references
    referenced_by = http.get(f"/subjects/{address_subject}/versions/1/referencedby").json()
    assert referenced_by == [customer.json()["id"]]
    assert error(http.delete(f"/subjects/{address_subject}/versions/1")) == (422, 42206)
    assert error(http.delete(f"/subjects/{address_subject}")) == (422, 42206)
    # Without the reference, the name means nothing.
    assert error(register(http, f"{subject}-bare", CUSTOMER)) == (422, 42201)
    missing = [{"name": "io.shop.Address", "subject": "nope", "version": 1}]
    assert error(register(http, f"{subject}-bad", CUSTOMER, references=missing)) == (422, 42201)


# -- config ------------------------------------------------------------------------------------


def test_config(start_registry: Any) -> None:
    registry = start_registry()
    with httpx.Client(base_url=registry.url) as http:
        assert http.get("/config").json() == {"compatibilityLevel": "BACKWARD"}
        assert http.put("/config", json={"compatibility": "FULL"}).json() == {
            "compatibility": "FULL"
        }
        assert http.get("/config").json()["compatibilityLevel"] == "FULL"
        assert error(http.put("/config", json={"compatibility": "SIDEWAYS"})) == (422, 42203)
        assert error(http.get("/config/s")) == (404, 40408)
        message = http.get("/config/s").json()["message"]
        assert message == "Subject 's' does not have subject-level compatibility configured"
        assert http.get("/config/s?defaultToGlobal=True").json()["compatibilityLevel"] == "FULL"
        assert http.put("/config/s", json={"compatibility": "none"}).json() == {
            "compatibility": "NONE"
        }
        assert http.get("/config/s").json() == {"compatibilityLevel": "NONE"}
        # NONE lets anything through for this subject only.
        register(http, "s", USER)
        assert register(http, "s", '"int"').status_code == 200
        register(http, "t", USER)
        assert error(register(http, "t", '"int"')) == (409, 40901)
        assert http.delete("/config/s").json() == {"compatibilityLevel": "NONE"}
        assert error(http.delete("/config/s")) == (404, 40401)
        assert http.delete("/config").json() == {"compatibilityLevel": "FULL"}
        assert http.get("/config").json() == {"compatibilityLevel": "BACKWARD"}


# -- compatibility endpoint ------------------------------------------------------------------


def test_compatibility_endpoint(http: httpx.Client, subject: str) -> None:
    base = f"/compatibility/subjects/{subject}/versions"
    # Nothing registered yet: latest is trivially compatible, a numbered version is missing.
    assert http.post(f"{base}/latest", json={"schema": USER}).json() == {"is_compatible": True}
    assert error(http.post(f"{base}/1", json={"schema": USER})) == (404, 40402)
    register(http, subject, USER)
    ok = http.post(f"{base}/latest?normalize=False&verbose=False", json={"schema": USER_AGE})
    assert ok.json() == {"is_compatible": True}
    bad = http.post(f"{base}/1?verbose=True", json={"schema": USER_REQUIRED_AGE}).json()
    assert bad["is_compatible"] is False
    assert any("READER_FIELD_MISSING_DEFAULT_VALUE" in m for m in bad["messages"])
    assert http.post(base, json={"schema": USER_REQUIRED_AGE}).json() == {"is_compatible": False}
    assert error(http.post(f"{base}/nope", json={"schema": USER})) == (422, 42202)
    assert error(http.post(f"{base}/1", json={"schema": "{"})) == (422, 42201)
    verbose = http.post(f"{base}/1?verbose=true", json={"schema": "{"}).json()
    assert verbose["is_compatible"] is False
    assert "Invalid schema" in verbose["messages"][0]


# -- mode --------------------------------------------------------------------------------------


def test_modes(start_registry: Any) -> None:
    registry = start_registry()
    with httpx.Client(base_url=registry.url) as http:
        assert http.get("/mode").json() == {"mode": "READWRITE"}
        register(http, "s", USER)
        assert error(http.get("/mode/s")) == (404, 40409)
        assert http.get("/mode/s?defaultToGlobal=true").json() == {"mode": "READWRITE"}
        assert http.put("/mode/s", json={"mode": "READONLY"}).json() == {"mode": "READONLY"}
        refused = register(http, "s", USER_AGE)
        assert error(refused) == (422, 42205)
        assert "read-only mode" in refused.json()["message"]
        assert error(http.delete("/subjects/s")) == (422, 42205)
        assert register(http, "other", USER).status_code == 200
        assert http.delete("/mode/s").json() == {"mode": "READONLY"}
        assert error(http.delete("/mode/s")) == (404, 40401)
        assert error(http.put("/mode", json={"mode": "SOMETIMES"})) == (422, 42204)
        assert error(http.put("/mode/s", json={"mode": "FORWARD"})) == (422, 42204)
        # IMPORT needs an empty registry, unless forced; then ids and versions come from the
        # request.
        assert error(http.put("/mode", json={"mode": "IMPORT"})) == (422, 42205)
        assert error(register(http, "s", USER_AGE, id=100)) == (422, 42205)
        assert http.put("/mode?force=True", json={"mode": "IMPORT"}).json() == {"mode": "IMPORT"}
        imported = register(http, "imported", USER_REQUIRED_AGE, id=100, version=5).json()
        assert (imported["id"], imported["version"]) == (100, 5)
        assert error(register(http, "clash", USER_AGE, id=100, version=1)) == (422, 42207)
        assert error(register(http, "plain", USER_AGE)) == (422, 42205)
        http.put("/mode", json={"mode": "READWRITE"})
        after = register(http, "fresh", record("Fresh", ("f", "int"))).json()
        assert after["id"] == 101


# -- bad input: the codes of issue 4, and never a 5xx -------------------------------------------


BAD_REGISTRATIONS = [
    ("schema-not-json", {"schema": "{not json"}, (422, 42201), "Invalid schema"),
    ("unknown-type", {"schema": '{"type":"record","name":"R","fields":'
                                '[{"name":"a","type":"nope"}]}'}, (422, 42201), "nope"),
    ("bad-name", {"schema": '{"type":"record","name":"bad-name","fields":[]}'}, (422, 42201),
     "bad-name"),
    ("bad-default", {"schema": '{"type":"record","name":"R","fields":'
                               '[{"name":"a","type":"int","default":"x"}]}'},
     (422, 42201), 'Invalid default for field a: "x" not a "int"'),
    ("duplicate-enum-symbol", {"schema": '{"type":"enum","name":"E","symbols":["A","A"]}'},
     (422, 42201), "Duplicate"),
    ("empty-schema", {"schema": ""}, (422, 42201), "Empty schema"),
    ("no-schema", {}, (422, 42201), "Empty schema"),
    ("protobuf", {"schema": "syntax = \"proto3\";", "schemaType": "PROTOBUF"}, (422, 42201),
     "Invalid schema type PROTOBUF"),
    ("json-schema", {"schema": "{}", "schemaType": "JSON"}, (422, 42201), "Invalid schema type"),
    ("body-is-a-list", [1, 2], (400, 400), "request body"),
    ("schema-is-a-number", {"schema": 5}, (400, 400), "Unrecognized"),
    ("bad-reference", {"schema": USER, "references": [{"name": "x"}]}, (400, 400), "reference"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "expected", "reason"),
    [pytest.param(b, e, r, id=name) for name, b, e, r in BAD_REGISTRATIONS],
)
def test_bad_registrations(
    http: httpx.Client, subject: str, body: Any, expected: tuple[int, int], reason: str
) -> None:
    response = http.post(f"/subjects/{subject}/versions", json=body)
    assert error(response) == expected
    assert reason in response.json()["message"]
    assert error(http.get(f"/subjects/{subject}/versions")) == (404, 40401)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"{not json", (400, 400)), (b"", (422, 422)), (b"\xff\xfe", (400, 400))],
)
def test_malformed_bodies(
    http: httpx.Client, subject: str, content: bytes, expected: tuple[int, int]
) -> None:
    response = http.post(
        f"/subjects/{subject}/versions", content=content, headers={"Content-Type": V1}
    )
    assert error(response) == expected


@pytest.mark.parametrize("name", ["bad%01subject", "tab%09in"])
def test_invalid_subject_is_42208(http: httpx.Client, name: str) -> None:
    assert error(register(http, name, USER)) == (422, 42208)


def test_wrong_method_is_405_and_the_server_stays_up(http: httpx.Client) -> None:
    assert error(http.put("/subjects")) == (405, 405)
    assert http.get("/").status_code == 200


# -- authentication --------------------------------------------------------------------------


def test_basic_auth(start_registry: Any, sr_client: Any) -> None:
    from ksqlmv.http import parse_credentials

    registry = start_registry(auth=parse_credentials("ada:l0velace"))
    assert error(httpx.get(f"{registry.url}/subjects")) == (401, 401)
    assert httpx.get(f"{registry.url}/subjects", auth=("ada", "wrong")).status_code == 401
    client = sr_client(registry.url, **{"basic.auth.user.info": "ada:l0velace"})
    assert client.get_subjects() == []
    from confluent_kafka.schema_registry import Schema

    assert client.register_schema("s-value", Schema(USER, "AVRO")) == 1
