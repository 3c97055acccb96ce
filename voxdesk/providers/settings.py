"""What a connection to one platform needs, declared by each provider as a pydantic
model, so that a dialog renders it as a form and the CLI accepts it as options from the
same declaration (``settings_fields``)."""

from __future__ import annotations

import types
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar, Union, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class ConnectionSettings(BaseModel):
    """The base every platform's settings extend: where the platform is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: How the token is sent: ``Authorization: <scheme> <token>``.
    auth_scheme: ClassVar[str] = "Bearer"

    base_url: str = Field(
        title="Base URL",
        description="The API's address, e.g. https://api.example.com (no path after it).",
    )

    @field_validator("base_url")
    @classmethod
    def _is_http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http(s) address, e.g. https://api.example.com")
        return value.strip().rstrip("/")

    def token_value(self) -> str | None:
        """The secret to authenticate with, where the platform has one."""
        token = getattr(self, "token", None)
        return token.get_secret_value() if isinstance(token, SecretStr) else None


class TokenSettings(ConnectionSettings):
    """A base URL and an API token: what most platforms need."""

    token: SecretStr = Field(
        title="API token", description="The key the platform issued for this account."
    )


@dataclass(frozen=True)
class SettingField:
    """One field of a settings form / one CLI option."""

    name: str
    title: str
    description: str | None
    type_name: str
    required: bool
    secret: bool
    default: Any = None
    #: The values an enumerated setting may take (a form offers them as a list).
    choices: tuple[str, ...] = ()


def _plain_type(annotation: Any) -> Any:
    """The annotation without its ``| None``."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def settings_fields(model: type[ConnectionSettings]) -> tuple[SettingField, ...]:
    """The model's fields in declaration order, with what a form or a CLI needs."""
    fields = []
    for name, info in model.model_fields.items():
        annotation = _plain_type(info.annotation)
        secret = annotation is SecretStr
        choices: tuple[str, ...] = ()
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            choices = tuple(str(member.value) for member in annotation)
        fields.append(
            SettingField(
                name=name,
                title=info.title or name.replace("_", " ").capitalize(),
                description=info.description,
                type_name="str" if secret else getattr(annotation, "__name__", str(annotation)),
                required=info.is_required(),
                secret=secret,
                default=None if info.is_required() else info.default,
                choices=choices,
            )
        )
    return tuple(fields)
