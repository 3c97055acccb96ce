"""The contract's three forms of the key are one key; anything else is a 401 with the
contract's message, on every endpoint."""

from __future__ import annotations

import httpx
import pytest

from tests.server.vozzo.vz_support import PREFIX, RECORDINGS, USECASE, assert_error
from tests.support.local_server import LocalServer
from voxdesk.contracts.vozzo import INVALID_TOKEN, AuthForm, authorization_header


@pytest.mark.parametrize("form", list(AuthForm))
def test_each_form_of_the_key_is_accepted(vz_server: LocalServer, form: AuthForm) -> None:
    header = authorization_header(vz_server.token, form)
    response = httpx.get(
        f"{vz_server.base_url}{PREFIX}/organization", headers={"Authorization": header}
    )
    assert response.status_code == 200, response.text
    assert response.json()["client_name"] == "local"


@pytest.mark.parametrize(
    "header",
    [None, "", "wrong-key", "Bearer wrong-key", "Token wrong-key", "Basic {key}", "Token"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"{PREFIX}/organization"),
        ("POST", USECASE),
        ("GET", f"{USECASE}/anything"),
        ("POST", RECORDINGS),
        ("POST", f"{PREFIX}/local/default/create-upload-link"),
        ("POST", f"{PREFIX}/local/default/direct-upload"),
    ],
)
def test_anything_else_is_refused_with_the_contracts_message(
    vz_server: LocalServer, header: str | None, method: str, path: str
) -> None:
    headers = {} if header is None else {"Authorization": header.format(key=vz_server.token)}
    response = httpx.request(method, f"{vz_server.base_url}{path}", headers=headers, json={})
    assert assert_error(response, 401) == INVALID_TOKEN


def test_scheme_names_are_case_insensitive(vz_server: LocalServer) -> None:
    for scheme in ("bearer", "TOKEN"):
        response = httpx.get(
            f"{vz_server.base_url}{PREFIX}/organization",
            headers={"Authorization": f"{scheme} {vz_server.token}"},
        )
        assert response.status_code == 200, (scheme, response.text)
