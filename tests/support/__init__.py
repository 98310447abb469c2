"""What the test modules share: GraphQL documents, helpers, processes (no test imports another)."""
