"""The hub's runtime core: clock, events, states, services. It knows nothing of devices."""
