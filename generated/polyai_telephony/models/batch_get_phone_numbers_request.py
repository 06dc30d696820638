from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="BatchGetPhoneNumbersRequest")


@_attrs_define
class BatchGetPhoneNumbersRequest:
    """E.164 phone numbers to fetch in one call.

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

        batch_get_phone_numbers_request = cls(
            phone_numbers=phone_numbers,
        )

        return batch_get_phone_numbers_request
