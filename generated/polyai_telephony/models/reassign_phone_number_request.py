from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReassignPhoneNumberRequest")


@_attrs_define
class ReassignPhoneNumberRequest:
    """The connector a phone number should route to.

    Attributes:
        connector_id (str):
    """

    connector_id: str

    def to_dict(self) -> dict[str, Any]:
        connector_id = self.connector_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "connectorId": connector_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connector_id = d.pop("connectorId")

        reassign_phone_number_request = cls(
            connector_id=connector_id,
        )

        return reassign_phone_number_request
