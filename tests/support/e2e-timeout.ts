// End-to-end tests start real brokers and wait for consumers: give each test two minutes.
jest.setTimeout(120_000);
