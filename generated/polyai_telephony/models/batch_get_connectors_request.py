from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="BatchGetConnectorsRequest")


@_attrs_define
class BatchGetConnectorsRequest:
    """Connector ids to fetch in one call.

    Attributes:
        connector_ids (list[str]):
    """

    connector_ids: list[str]

    def to_dict(self) -> dict[str, Any]:
        connector_ids = self.connector_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "connectorIds": connector_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connector_ids = cast(list[str], d.pop("connectorIds"))

        batch_get_connectors_request = cls(
            connector_ids=connector_ids,
        )

        return batch_get_connectors_request
