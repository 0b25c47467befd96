"""Publishing and serving the built site: the atomic build, precompressed siblings, the service
worker, the production nginx preview and the test server."""
