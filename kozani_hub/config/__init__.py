"""Configuration: YAML loading with line marks, validation with messages for people."""
