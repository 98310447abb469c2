// graphql-codegen for the web app: frontend-contract/codegen.ts (the contract's own config, run
// with LISTKEEPER_DIR=.. and CODEGEN_OUT=src/gql/ by `npm run codegen`), with documents as typed
// strings (the app sends the text as it is, so no GraphQL parser or printer goes into the bundle)
// and only the types the operations use (a schema change elsewhere leaves src/gql/ as it is).
import type { CodegenConfig } from "@graphql-codegen/cli";
import type { Types } from "@graphql-codegen/plugin-helpers";
import contract from "../frontend-contract/codegen";

function asStrings(target: Types.ConfiguredOutput): Types.ConfiguredOutput {
  return {
    ...target,
    config: { ...target.config, documentMode: "string", onlyOperationTypes: true },
  };
}

const generates = Object.fromEntries(
  Object.entries(contract.generates).map(([out, target]) => [
    out,
    asStrings(target as Types.ConfiguredOutput),
  ]),
);

const config: CodegenConfig = { ...contract, generates };

export default config;
