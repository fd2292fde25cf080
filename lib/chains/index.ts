export { CHAIN_IDS, CHAIN_PRESETS, minimumPeerVersion, PEERSCOPE_USER_AGENT, type ChainId, type ChainPreset } from './presets';
export {
  activeChain,
  applyCrawlerConfig,
  DEFAULT_CRAWLER_SETTINGS,
  resetActiveChain,
  resolveChain,
  type CrawlerConfigFile,
  type CrawlerSettings,
  type CrawlerTimeouts,
  type ResolvedChain,
} from './config';
