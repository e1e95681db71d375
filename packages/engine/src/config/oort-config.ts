/**
 * Oort's configuration, read from `etc/oort.yaml` (eKuiper's `etc/kuiper.yaml` keys where
 * eKuiper has them), then environment variables, then command-line flags.
 * `docs/configuration.md` describes every key; keep the two in step.
 */

/** A duration: a number of milliseconds or a string such as "300s", "5m", "1h30m", "250ms". */
export type Duration = number | string;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type BrokerMode = 'auto' | 'on' | 'off';
export type StoreType = 'sqlite' | 'memory';

export interface RestartStrategyConfig {
  /** How many times a rule stopped by an error is restarted; 0 = never. */
  attempts: number;
  /** First delay in milliseconds. */
  delay: number;
  /** Factor applied to the delay after each attempt. */
  multiplier: number;
  /** Upper bound of the delay in milliseconds. */
  maxDelay: number;
  /** Random +/- fraction applied to each delay, so rules do not restart in lockstep. */
  jitterFactor: number;
}

export interface OortConfig {
  /** Where the metadata store, plugins and per-rule data live. */
  dataDir: string;
  basic: {
    restIp: string;
    restPort: number;
    logLevel: LogLevel;
    consoleLog: boolean;
    /** IANA time zone name, or "Local" for the system's. */
    timezone: string;
    ignoreCase: boolean;
    /** Require a bearer token on every route but `/` and `/ping`: an RS256 JWT signed by a key in `etc/mgmt/*.pub`, or one of `authTokens`. */
    authentication: boolean;
    /** Static API tokens accepted when `authentication` is on. */
    authTokens: string[];
    /** When false, `file://` URLs in REST bodies must point inside `<dataDir>/uploads`. */
    allowExternalFileAccess: boolean;
    /** When false, http(s) downloads refuse loopback and private addresses. */
    enablePrivateNet: boolean;
    /** Larger request bodies are refused with 413. */
    maxRequestBodyBytes: number;
    /** How long a graceful shutdown may take before the process exits anyway. */
    gracefulShutdownTimeout: Duration;
  };
  /** Defaults of rule options; a rule's own `options` win. */
  rule: {
    qos: 0 | 1 | 2;
    checkpointInterval: Duration;
    sendError: boolean;
    bufferLength: number;
    concurrency: number;
    lateTolerance: Duration;
    restartStrategy: RestartStrategyConfig;
  };
  /** Defaults of the sink cache properties; an action's own properties win. */
  sink: {
    enableCache: boolean;
    memoryCacheThreshold: number;
    maxDiskCache: number;
    bufferPageSize: number;
    resendInterval: Duration;
    cleanCacheAtStop: boolean;
    resendAlterQueue: boolean;
    resendPriority: number;
    resendIndicatorField: string;
    resendDestination: string;
  };
  source: {
    httpServerIp: string;
    httpServerPort: number;
  };
  store: {
    type: StoreType;
    sqlite: { name: string };
  };
  mqtt: {
    /** auto: start the embedded broker unless one already answers at `server`; on: always; off: never. */
    broker: BrokerMode;
    /** Address of the embedded broker, `tcp://host:port`. */
    server: string;
  };
  plugins: {
    /** Whether an archive's `install.sh` may run. */
    allowInstallScripts: boolean;
    maxDownloadBytes: number;
    downloadTimeout: Duration;
  };
  portable: {
    pythonBin: string;
    initTimeout: Duration;
    sendTimeout: Duration;
    recvTimeout: Duration;
  };
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** The built-in defaults; `etc/oort.yaml` ships the same values. */
export function defaultConfig(): OortConfig {
  return {
    dataDir: './data',
    basic: {
      restIp: '127.0.0.1',
      restPort: 9081,
      logLevel: 'info',
      consoleLog: true,
      timezone: 'Local',
      ignoreCase: false,
      authentication: false,
      authTokens: [],
      allowExternalFileAccess: false,
      enablePrivateNet: false,
      maxRequestBodyBytes: 10 * 1024 * 1024,
      gracefulShutdownTimeout: '10s',
    },
    rule: {
      qos: 0,
      checkpointInterval: '300s',
      sendError: false,
      bufferLength: 1024,
      concurrency: 1,
      lateTolerance: '1s',
      restartStrategy: { attempts: 0, delay: 1000, multiplier: 2, maxDelay: 30000, jitterFactor: 0.1 },
    },
    sink: {
      enableCache: false,
      memoryCacheThreshold: 1024,
      maxDiskCache: 1024000,
      bufferPageSize: 256,
      resendInterval: '0s',
      cleanCacheAtStop: false,
      resendAlterQueue: false,
      resendPriority: 0,
      resendIndicatorField: '',
      resendDestination: '',
    },
    source: { httpServerIp: '127.0.0.1', httpServerPort: 10081 },
    store: { type: 'sqlite', sqlite: { name: 'oort.db' } },
    mqtt: { broker: 'auto', server: 'tcp://127.0.0.1:1883' },
    plugins: { allowInstallScripts: false, maxDownloadBytes: 100 * 1024 * 1024, downloadTimeout: '300s' },
    portable: { pythonBin: 'python3', initTimeout: '60s', sendTimeout: '5s', recvTimeout: '5s' },
  };
}

/** Keys whose value is a Duration (number of ms or duration string), as dotted paths. */
export const DURATION_KEYS: ReadonlySet<string> = new Set([
  'basic.gracefulShutdownTimeout',
  'rule.checkpointInterval',
  'rule.lateTolerance',
  'sink.resendInterval',
  'plugins.downloadTimeout',
  'portable.initTimeout',
  'portable.sendTimeout',
  'portable.recvTimeout',
]);

/** Keys restricted to a set of values. */
export const ENUM_KEYS: Readonly<Record<string, readonly (string | number)[]>> = {
  'basic.logLevel': ['debug', 'info', 'warn', 'error'],
  'rule.qos': [0, 1, 2],
  'store.type': ['sqlite', 'memory'],
  'mqtt.broker': ['auto', 'on', 'off'],
};
