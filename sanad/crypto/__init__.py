"""Encryption at rest for free text that can identify or endanger a survivor, and blind indexes
for identifiers that must be found exactly. Keys never come from SECRET_KEY."""
