"""Statistics: 5-minute and hourly aggregates of sensors with a state_class, kept long-term."""
