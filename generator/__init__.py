"""Build side: load and validate ``policy_data/``, compile the rules bundle, generate the site."""
