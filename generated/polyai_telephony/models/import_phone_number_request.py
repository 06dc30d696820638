from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.client_env import ClientEnv
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImportPhoneNumberRequest")


@_attrs_define
class ImportPhoneNumberRequest:
    """Settings for one imported phone number.

    Attributes:
        client_env (ClientEnv | Unset): The environment a phone number is assigned to.
    """

    client_env: ClientEnv | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        client_env: str | Unset = UNSET
        if not isinstance(self.client_env, Unset):
            client_env = self.client_env.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if client_env is not UNSET:
            field_dict["clientEnv"] = client_env

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _client_env = d.pop("clientEnv", UNSET)
        client_env: ClientEnv | Unset
        if isinstance(_client_env, Unset):
            client_env = UNSET
        else:
            client_env = ClientEnv(_client_env)

        import_phone_number_request = cls(
            client_env=client_env,
        )

        return import_phone_number_request
