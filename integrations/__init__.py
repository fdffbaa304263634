"""Device integrations, one package each, found through the kozani_hub.integrations entry points."""
