export { startSimulatedNetwork, SIM_DNS_SEED, type SimulatedNetwork, type SimulatedNetworkOptions, type SimulatedPeer } from './network';
export { HOSTILE_BEHAVIOURS, type HostileBehaviour, type PeerBehaviour, type PeerProfile } from './peer-server';
export { GOSSIP_TEST_BEHAVIOURS, type GossipTestBehaviour } from './peer-server';
export { REACHABILITY_TEST_BEHAVIOURS, startPeerServer, type ReachabilityTestBehaviour, type RunningPeerServer } from './peer-server';
export { startGossipTestNetwork, type GossipTestNetwork, type GossipTestPeer } from './gossip-test-network';
export {
  describeNetwork,
  dialerFromDescription,
  readSimulatorDescription,
  resolverFromDescription,
  SIMULATOR_DESCRIPTION_PATH,
  writeSimulatorDescription,
  type SimulatorDescription,
} from './description';
export { liveLoopbackHost, startLiveNetwork, type LiveNetwork, type LiveNetworkOptions, type LivePeer, type LivePeerSchedule } from './live-network';
