from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="LookupConnectorRequest")


@_attrs_define
class LookupConnectorRequest:
    """The phone number whose connector is wanted.

    Attributes:
        phone_number (str): A phone number in E.164 format, `+` then 2 to 15 digits, the first not 0.
    """

    phone_number: str

    def to_dict(self) -> dict[str, Any]:
        phone_number = self.phone_number

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "phoneNumber": phone_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        phone_number = d.pop("phoneNumber")

        lookup_connector_request = cls(
            phone_number=phone_number,
        )

        return lookup_connector_request
