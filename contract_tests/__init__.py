"""Schemathesis contract tests generated from openapi.yaml."""
