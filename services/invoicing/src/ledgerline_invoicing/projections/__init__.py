"""Read models of the invoicing service, each a function of the events it subscribes to."""
