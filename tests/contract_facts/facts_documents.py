"""Tiny OpenAPI documents for the fact-model tests: one in PolyAI's published style, one in ours.

The published style is what PolyAI's reference does: no operationIds, 3.0's `nullable` inside a
3.1 document, `allOf` around a single `$ref`, `example` in schemas, path-level parameters. Ours
uses `$ref`s to shared components and declares our differences with `x-assumed`/`x-upstream`.
Each test copies one and changes the one thing its rule is about.
"""

from __future__ import annotations

import copy
from typing import Any

PATH = "/v1/agents/{agentId}/telephony/widgets/{widgetId}"
LIST_PATH = "/v1/agents/{agentId}/telephony/widgets"


def published() -> dict[str, Any]:
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {"title": "Published", "version": "1.0.11"},
            "paths": {
                PATH: {
                    "parameters": [
                        {"name": "agentId", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "widgetId", "in": "path", "required": True, "schema": {"type": "string"}},
                    ],
                    "patch": {
                        "summary": "Update a widget",
                        "tags": ["Widgets"],
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpdateBody"}}},
                        },
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Result"}}},
                            },
                            "400": {
                                "description": "bad",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                            },
                        },
                    },
                },
                LIST_PATH: {
                    "parameters": [{"name": "agentId", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "get": {
                        "summary": "List widgets",
                        "parameters": [{"name": "colour", "in": "query", "schema": {"type": "string"}}],
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {
                                            "type": "object",
                                            "required": ["widgets"],
                                            "properties": {
                                                "widgets": {
                                                    "type": "array",
                                                    "items": {"$ref": "#/components/schemas/Widget"},
                                                }
                                            },
                                        }
                                    }
                                },
                            }
                        },
                    },
                },
            },
            "components": {
                "schemas": {
                    "UpdateBody": {
                        "type": "object",
                        "required": ["names"],
                        "properties": {
                            "names": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                            "label": {"type": "string", "nullable": True, "example": "front desk"},
                            "env": {"type": "string", "default": "live"},
                        },
                    },
                    "Widget": {
                        "type": "object",
                        "required": ["widgetId", "state"],
                        "properties": {
                            "widgetId": {"type": "string", "example": "w-1"},
                            "state": {"type": "string", "enum": ["on", "off"]},
                            "label": {"type": "string"},
                        },
                    },
                    "Result": {
                        "type": "object",
                        "required": ["ok"],
                        "properties": {
                            "ok": {"type": "boolean"},
                            "data": {"description": "the widget", "allOf": [{"$ref": "#/components/schemas/Widget"}]},
                        },
                    },
                    "Error": {
                        "type": "object",
                        "required": ["error_code", "data"],
                        "properties": {"error_code": {"type": "string"}, "data": {"nullable": True}},
                    },
                }
            },
        }
    )


def ours() -> dict[str, Any]:
    """The same API in our style: operationIds, `type: [string, 'null']`, `$ref`s with siblings."""
    document = published()
    operation = document["paths"][PATH]["patch"]
    operation["operationId"] = "updateWidget"
    operation["tags"] = ["widgets"]
    document["paths"][LIST_PATH]["get"]["operationId"] = "listWidgets"
    schemas = document["components"]["schemas"]
    schemas["UpdateBody"]["properties"]["label"] = {"type": ["string", "null"]}
    schemas["Result"]["properties"]["data"] = {"$ref": "#/components/schemas/Widget"}
    schemas["Error"]["properties"]["data"] = {"type": "null"}
    schemas["Error"]["properties"]["data"]["x-upstream"] = {
        "says": "no type, with 3.0's nullable",
        "why": "3.1 ignores nullable; the value is always null",
    }
    document["x-assumptions"] = [{"id": "strict-requests", "text": "Unknown properties are rejected."}]
    return document
