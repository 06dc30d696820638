from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PhoneNumber")


@_attrs_define
class PhoneNumber:
    """A phone number owned by the project, and the connector its incoming calls route to.

    Attributes:
        number (str): The number in E.164 format.
        project_id (str): The project this number belongs to.
        account_id (str): The account this number belongs to.
        client_env (str): The environment the number is assigned to: sandbox, pre-release or live. A plain string here,
            so that a value added by the service does not break a client.
        connector_id (str | None): The connector incoming calls are routed to; absent when none.
    """

    number: str
    project_id: str
    account_id: str
    client_env: str
    connector_id: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        project_id = self.project_id

        account_id = self.account_id

        client_env = self.client_env

        _connector_id: str | Unset = UNSET if self.connector_id is None else self.connector_id
        connector_id = _connector_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "projectId": project_id,
                "accountId": account_id,
                "clientEnv": client_env,
            }
        )
        if connector_id is not UNSET:
            field_dict["connectorId"] = connector_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        number = d.pop("number")

        project_id = d.pop("projectId")

        account_id = d.pop("accountId")

        client_env = d.pop("clientEnv")

        connector_id = d.pop("connectorId", UNSET)

        phone_number = cls(
            number=number,
            project_id=project_id,
            account_id=account_id,
            client_env=client_env,
            connector_id=None if isinstance(connector_id, Unset) else connector_id,
        )

        phone_number.additional_properties = d
        return phone_number

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
