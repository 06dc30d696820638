"""A stateful mock of PolyAI's telephony API, compiled from openapi.yaml."""
