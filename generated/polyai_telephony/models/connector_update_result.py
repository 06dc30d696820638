from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.connector import Connector


T = TypeVar("T", bound="ConnectorUpdateResult")


@_attrs_define
class ConnectorUpdateResult:
    """The outcome of one update in a batch.

    Attributes:
        connector_id (str):
        success (bool):
        data (Connector | None): A voice, language, variant and environment bundle that handles incoming calls.
        error (str | None): Why the update failed, as an error code; present when `success` is false.
    """

    connector_id: str
    success: bool
    data: Connector | None = None
    error: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        connector_id = self.connector_id

        success = self.success

        _data: Connector | Unset = UNSET if self.data is None else self.data
        data: dict[str, Any] | Unset = UNSET
        if not isinstance(_data, Unset):
            data = _data.to_dict()

        _error: str | Unset = UNSET if self.error is None else self.error
        error = _error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "connectorId": connector_id,
                "success": success,
            }
        )
        if data is not UNSET:
            field_dict["data"] = data
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector import Connector  # noqa: PLC0415

        d = dict(src_dict)
        connector_id = d.pop("connectorId")

        success = d.pop("success")

        _data = d.pop("data", UNSET)
        data: Connector | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = Connector.from_dict(_data)

        error = d.pop("error", UNSET)

        connector_update_result = cls(
            connector_id=connector_id,
            success=success,
            data=None if isinstance(data, Unset) else data,
            error=None if isinstance(error, Unset) else error,
        )

        connector_update_result.additional_properties = d
        return connector_update_result

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
