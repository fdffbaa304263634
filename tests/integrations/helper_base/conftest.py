from tests.integrations.helper_base.harness import hubs

__all__ = ["hubs"]
