from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeleteConnectorResponse")


@_attrs_define
class DeleteConnectorResponse:
    """The deleted connector and the phone numbers released with it.

    Attributes:
        deleted_connector (str):
        deleted_phone_numbers (list[str]):
    """

    deleted_connector: str
    deleted_phone_numbers: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deleted_connector = self.deleted_connector

        deleted_phone_numbers = self.deleted_phone_numbers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deletedConnector": deleted_connector,
                "deletedPhoneNumbers": deleted_phone_numbers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        deleted_connector = d.pop("deletedConnector")

        deleted_phone_numbers = cast(list[str], d.pop("deletedPhoneNumbers"))

        delete_connector_response = cls(
            deleted_connector=deleted_connector,
            deleted_phone_numbers=deleted_phone_numbers,
        )

        delete_connector_response.additional_properties = d
        return delete_connector_response

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
