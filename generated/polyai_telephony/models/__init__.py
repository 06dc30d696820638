"""Contains all the data models used in inputs/outputs"""

from .batch_get_connectors_request import BatchGetConnectorsRequest
from .batch_get_connectors_response import BatchGetConnectorsResponse
from .batch_get_phone_numbers_request import BatchGetPhoneNumbersRequest
from .batch_get_phone_numbers_response import BatchGetPhoneNumbersResponse
from .batch_update_connectors_request import BatchUpdateConnectorsRequest
from .batch_update_connectors_response import BatchUpdateConnectorsResponse
from .client_env import ClientEnv
from .connector import Connector
from .connector_update import ConnectorUpdate
from .connector_update_result import ConnectorUpdateResult
from .delete_connector_response import DeleteConnectorResponse
from .delete_phone_number_error import DeletePhoneNumberError
from .delete_phone_number_response import DeletePhoneNumberResponse
from .delete_phone_numbers_request import DeletePhoneNumbersRequest
from .delete_phone_numbers_response import DeletePhoneNumbersResponse
from .error import Error
from .import_phone_number_request import ImportPhoneNumberRequest
from .import_phone_number_response import ImportPhoneNumberResponse
from .import_phone_numbers_request import ImportPhoneNumbersRequest
from .import_phone_numbers_response import ImportPhoneNumbersResponse
from .list_connectors_response import ListConnectorsResponse
from .list_phone_numbers_response import ListPhoneNumbersResponse
from .lookup_connector_request import LookupConnectorRequest
from .outbound_call_state import OutboundCallState
from .outbound_call_status import OutboundCallStatus
from .outbound_environment import OutboundEnvironment
from .phone_number import PhoneNumber
from .reassign_phone_number_request import ReassignPhoneNumberRequest
from .trigger_outbound_call_request import TriggerOutboundCallRequest
from .trigger_outbound_call_request_metadata import TriggerOutboundCallRequestMetadata
from .trigger_outbound_call_response import TriggerOutboundCallResponse
from .update_connector_request import UpdateConnectorRequest

__all__ = (
    "BatchGetConnectorsRequest",
    "BatchGetConnectorsResponse",
    "BatchGetPhoneNumbersRequest",
    "BatchGetPhoneNumbersResponse",
    "BatchUpdateConnectorsRequest",
    "BatchUpdateConnectorsResponse",
    "ClientEnv",
    "Connector",
    "ConnectorUpdate",
    "ConnectorUpdateResult",
    "DeleteConnectorResponse",
    "DeletePhoneNumberError",
    "DeletePhoneNumberResponse",
    "DeletePhoneNumbersRequest",
    "DeletePhoneNumbersResponse",
    "Error",
    "ImportPhoneNumberRequest",
    "ImportPhoneNumberResponse",
    "ImportPhoneNumbersRequest",
    "ImportPhoneNumbersResponse",
    "ListConnectorsResponse",
    "ListPhoneNumbersResponse",
    "LookupConnectorRequest",
    "OutboundCallState",
    "OutboundCallStatus",
    "OutboundEnvironment",
    "PhoneNumber",
    "ReassignPhoneNumberRequest",
    "TriggerOutboundCallRequest",
    "TriggerOutboundCallRequestMetadata",
    "TriggerOutboundCallResponse",
    "UpdateConnectorRequest",
)
