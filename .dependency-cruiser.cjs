/**
 * The layering of the hexagon, checked on every test run:
 * domain <- adapters <- application. The domain knows nothing else, not even npm packages.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-stays-pure',
      comment:
        'The domain depends on nothing but itself: no adapters, wiring, generated code or packages.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'domain-avoids-node-io',
      comment: 'Use cases reach the world through ports; only pure core modules are allowed.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?(util|assert)$' },
    },
    {
      name: 'adapters-do-not-wire',
      comment: 'Adapters implement ports; only the application layer assembles them.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(application|cli|main)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
