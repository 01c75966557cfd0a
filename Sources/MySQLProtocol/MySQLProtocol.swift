// Placeholder until the protocol client lands.
