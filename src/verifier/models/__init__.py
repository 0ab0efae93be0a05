"""Model access: the gateway (litellm + instructor), the response cache, the embedded server."""
