"""Vietnam's administrative geography: the unit registry, boundaries, scope and event placement."""
