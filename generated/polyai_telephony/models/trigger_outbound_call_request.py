from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.outbound_environment import OutboundEnvironment
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.trigger_outbound_call_request_metadata import TriggerOutboundCallRequestMetadata


T = TypeVar("T", bound="TriggerOutboundCallRequest")


@_attrs_define
class TriggerOutboundCallRequest:
    """The number to call and how.

    Attributes:
        to_number (str): The number to dial, in E.164 (+442079460123). A number without its country prefix needs
            `countryCode`.
        environment (OutboundEnvironment): The environment an outbound call runs in; its connector answers the call.
        country_code (str | Unset): ISO 3166-1 alpha-2 country (GB) for reading a `toNumber` that lacks its country
            prefix.
        variant_id (str | Unset): The agent variant to use; when absent, the environment's default connector decides.
        encryption (str | Unset): Encryption of the call's telephony leg. Default: 'tls_srtp'.
        metadata (TriggerOutboundCallRequestMetadata | Unset): String values handed to the agent as SIP headers. Its
            base64 form must be under 26 KB (`x-limits.maxCallMetadataBase64Bytes`).
    """

    to_number: str
    environment: OutboundEnvironment
    country_code: str | Unset = UNSET
    variant_id: str | Unset = UNSET
    encryption: str | Unset = "tls_srtp"
    metadata: TriggerOutboundCallRequestMetadata | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        to_number = self.to_number

        environment = self.environment.value

        country_code = self.country_code

        variant_id = self.variant_id

        encryption = self.encryption

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "toNumber": to_number,
                "environment": environment,
            }
        )
        if country_code is not UNSET:
            field_dict["countryCode"] = country_code
        if variant_id is not UNSET:
            field_dict["variantId"] = variant_id
        if encryption is not UNSET:
            field_dict["encryption"] = encryption
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trigger_outbound_call_request_metadata import TriggerOutboundCallRequestMetadata  # noqa: PLC0415

        d = dict(src_dict)
        to_number = d.pop("toNumber")

        environment = OutboundEnvironment(d.pop("environment"))

        country_code = d.pop("countryCode", UNSET)

        variant_id = d.pop("variantId", UNSET)

        encryption = d.pop("encryption", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: TriggerOutboundCallRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = TriggerOutboundCallRequestMetadata.from_dict(_metadata)

        trigger_outbound_call_request = cls(
            to_number=to_number,
            environment=environment,
            country_code=country_code,
            variant_id=variant_id,
            encryption=encryption,
            metadata=metadata,
        )

        return trigger_outbound_call_request
