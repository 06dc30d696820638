from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.phone_number import PhoneNumber


T = TypeVar("T", bound="BatchGetPhoneNumbersResponse")


@_attrs_define
class BatchGetPhoneNumbersResponse:
    """A batch lookup, split into the numbers found and those not found.

    Attributes:
        found (list[PhoneNumber]):
        not_found (list[str]):
    """

    found: list[PhoneNumber]
    not_found: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        found = []
        for found_item_data in self.found:
            found_item = found_item_data.to_dict()
            found.append(found_item)

        not_found = self.not_found

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "found": found,
                "notFound": not_found,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.phone_number import PhoneNumber  # noqa: PLC0415

        d = dict(src_dict)
        found = []
        _found = d.pop("found")
        for found_item_data in _found:
            found_item = PhoneNumber.from_dict(found_item_data)

            found.append(found_item)

        not_found = cast(list[str], d.pop("notFound"))

        batch_get_phone_numbers_response = cls(
            found=found,
            not_found=not_found,
        )

        batch_get_phone_numbers_response.additional_properties = d
        return batch_get_phone_numbers_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
