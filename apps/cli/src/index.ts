export { startAgentPulse, type AgentPulseRuntime, type StartOptions } from './agentpulse-runtime';
export { TARGETS, type Target } from './service-targets';
