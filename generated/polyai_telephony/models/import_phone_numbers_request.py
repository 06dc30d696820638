from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.client_env import ClientEnv
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImportPhoneNumbersRequest")


@_attrs_define
class ImportPhoneNumbersRequest:
    """A batch of phone numbers to import, all with the same environment.

    Attributes:
        phone_numbers (list[str]): A non-empty batch of distinct E.164 phone numbers.
        client_env (ClientEnv | Unset): The environment a phone number is assigned to.
    """

    phone_numbers: list[str]
    client_env: ClientEnv | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        phone_numbers = self.phone_numbers

        client_env: str | Unset = UNSET
        if not isinstance(self.client_env, Unset):
            client_env = self.client_env.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "phoneNumbers": phone_numbers,
            }
        )
        if client_env is not UNSET:
            field_dict["clientEnv"] = client_env

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        phone_numbers = cast(list[str], d.pop("phoneNumbers"))

        _client_env = d.pop("clientEnv", UNSET)
        client_env: ClientEnv | Unset
        if isinstance(_client_env, Unset):
            client_env = UNSET
        else:
            client_env = ClientEnv(_client_env)

        import_phone_numbers_request = cls(
            phone_numbers=phone_numbers,
            client_env=client_env,
        )

        return import_phone_numbers_request
