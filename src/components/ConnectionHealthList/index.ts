export { ConnectionHealthList, connectionsNeedingAttention, type ConnectionHealthListProps } from './ConnectionHealthList.js';
