"""IR -> committed artefacts: JSON Schemas, the OpenAPI contract, the operation catalog."""
