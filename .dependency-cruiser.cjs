// Layering from DESIGN.md and STYLE.md, checked on every `npm run lint`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports make start-up order fragile and hide design problems.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(rules|ocr|crawler|store|pipeline|server|cli)/' },
    },
    {
      name: 'stages-import-only-core',
      comment: 'rules, ocr, crawler and store may import core only (DESIGN.md layout table).',
      severity: 'error',
      from: { path: '^(rules|ocr|crawler|store)/' },
      to: { path: '^(rules|ocr|crawler|store|pipeline|server|cli)/', pathNot: '^$1/' },
    },
    {
      name: 'demo-imports-only-core',
      comment: 'demo/ is the bundled demo platform: data and a small server, importing core only (its test drives the stages).',
      severity: 'error',
      from: { path: '^demo/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(rules|ocr|crawler|store|pipeline|server|cli)/' },
    },
    {
      name: 'pipeline-not-server-or-cli',
      severity: 'error',
      from: { path: '^pipeline/' },
      to: { path: '^(server|cli)/' },
    },
    {
      name: 'server-not-stages-directly',
      comment:
        'server may import core, store and pipeline; and of the stages only the outbound address guard (crawler/net/, ' +
        'which SIEM sinks must pass like the crawler), the platform names, and the evidence image renderer.',
      severity: 'error',
      from: { path: '^server/' },
      to: {
        path: '^(rules|ocr|crawler|cli)/',
        pathNot: '^(crawler/net/|crawler/platform-adapter\\.ts$|ocr/render-evidence-image\\.ts$)',
      },
    },
    {
      name: 'rules-does-no-io',
      comment: 'rules/ is pure: no file system, network or process access.',
      severity: 'error',
      from: { path: '^rules/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|net|http|https|child_process|dgram|dns|tls|worker_threads)$' },
    },
    {
      name: 'puppeteer-only-in-crawler',
      comment: 'Tests and benchmarks may drive a browser of their own against the fixture server.',
      severity: 'error',
      from: { pathNot: '^(crawler/|test/|bench/)' },
      to: { path: 'node_modules/puppeteer(-core)?/' },
    },
    {
      name: 'sharp-and-tesseract-only-in-ocr',
      comment: 'Product code reaches images through ocr/; tests and benchmarks may use sharp to make test images.',
      severity: 'error',
      from: { pathNot: '^(ocr/|test/|bench/)' },
      to: { path: 'node_modules/(sharp|tesseract\\.js)/' },
    },
    {
      name: 'bullmq-only-in-pipeline',
      severity: 'error',
      from: { pathNot: '^pipeline/' },
      to: { path: 'node_modules/bullmq/' },
    },
    {
      name: 'redis-client-only-in-pipeline',
      comment: 'The queues own Redis; tests may talk to their own Redis instances.',
      severity: 'error',
      from: { pathNot: '^(pipeline|test)/' },
      to: { path: 'node_modules/ioredis/' },
    },
    {
      name: 'no-dev-dependencies-in-production-code',
      severity: 'error',
      comment: 'The review UI (server/ui/) is bundled at build time: its libraries are build tools, not run-time dependencies.',
      from: { path: '^(core|rules|ocr|crawler|store|pipeline|server|cli|demo)/', pathNot: '(\\.test\\.ts$|^server/ui/)' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'review-ui-speaks-only-the-api',
      comment: 'The review UI uses only the public REST API: of the server it may see the API schemas, and only their types.',
      severity: 'error',
      from: { path: '^server/ui/' },
      to: { path: '^(core|rules|ocr|crawler|store|pipeline|cli|demo|server)/', pathNot: '^(server/ui/|server/api/schemas/)' },
    },
    {
      name: 'review-ui-imports-api-schemas-as-types-only',
      comment: 'A value import would bundle server code (zod schemas, store types) into the browser.',
      severity: 'error',
      from: { path: '^server/ui/' },
      to: { path: '^server/api/schemas/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nothing-imports-the-review-ui',
      comment: 'server/ui/ is a separate browser app; the server serves its build output, never its source.',
      severity: 'error',
      from: { pathNot: '^server/ui/' },
      to: { path: '^server/ui/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|tmp)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
