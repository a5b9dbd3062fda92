/**
 * esbuild plugins for the Lambda bundles (serverless.yml custom.esbuild.plugins; bench/lambda.ts
 * builds with the same list). CommonJS: serverless-esbuild requires this file as it is.
 *
 * sdk-package-version: every AWS SDK client imports its whole package.json for one field, the
 * version it puts in the User-Agent header. Serving the clients `{ "version": … }` instead keeps
 * that header as it was and leaves about 2 KB per client out of each bundle (iamEvents has a
 * 500 KB size target).
 */
const fs = require('node:fs');

const SDK_CLIENT_PACKAGE_JSON = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

const sdkPackageVersion = {
  name: 'sdk-package-version',
  setup(build) {
    build.onLoad({ filter: SDK_CLIENT_PACKAGE_JSON }, async (args) => {
      const { version } = JSON.parse(await fs.promises.readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
  },
};

module.exports = [sdkPackageVersion];
