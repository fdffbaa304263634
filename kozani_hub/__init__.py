"""Kozani Hub: the automation hub of the Kozani smart-city plan."""
