import { ContainerModule } from 'inversify';
import { TOKENS } from '../../kernel/tokens.js';
import { loadValidatorPolicy } from './policy.js';
import { TreeSitterValidator } from './tree-sitter-validator.js';

/**
 * Binds `TOKENS.CodeValidator` to the tree-sitter validator, one per container, with the policy
 * from `config/validator-policy.json` (loaded once; a malformed file stops startup with CONFIG_INVALID).
 */
export const validatorModule = new ContainerModule((options) => {
  options
    .bind(TOKENS.CodeValidator)
    .toResolvedValue(() => new TreeSitterValidator(loadValidatorPolicy()))
    .inSingletonScope();
});
