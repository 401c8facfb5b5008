import type { HandlersOf } from '../rpc/dispatcher';
import { OfficeOperators, type OfficeOperatorsParts } from './office-operators';

export function operatorsHandlers(parts: OfficeOperatorsParts): HandlersOf<'operators.list' | 'operators.create' | 'operators.update'> {
  const operators = new OfficeOperators(parts);
  return {
    'operators.list': () => operators.list(),
    'operators.create': (input) => operators.create(input),
    'operators.update': ({ operatorId, ...change }) => operators.update(operatorId, change),
  };
}
