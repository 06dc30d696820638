from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="DeletePhoneNumbersRequest")


@_attrs_define
class DeletePhoneNumbersRequest:
    """Phone numbers to release in one call; each is released on its own.

    Attributes:
        phone_numbers (list[str]): A non-empty batch of distinct E.164 phone numbers.
    """

    phone_numbers: list[str]

    def to_dict(self) -> dict[str, Any]:
        phone_numbers = self.phone_numbers

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "phoneNumbers": phone_numbers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        phone_numbers = cast(list[str], d.pop("phoneNumbers"))

        delete_phone_numbers_request = cls(
            phone_numbers=phone_numbers,
        )

        return delete_phone_numbers_request
