import { ASSESSOR_FIELDS, EMPLOYER_FIELDS, LEARNER_FIELDS } from './records.js';

/*
 * The simulated service's WSDL: document/literal, SOAP 1.2 binding, an `AuthHeader {ApiKey, ReadOnly}` SOAP
 * header on every operation, ASMX-style `…Response/…Result` wrappers. Smart Assessor publishes no WSDL; this
 * one is built from the operations and records public MIS code uses (reference §4.2). The worker's client
 * reads it from `?wsdl` like any other.
 */

export const SA_NAMESPACE = 'http://www.smartassessor.co.uk/';
export const SA_SERVICE = 'SmartAssessorService';
export const SA_PORT = 'SmartAssessorServiceSoap12';

interface OperationDef {
  name: string;
  /** The request's single child and its type; none for the bulk reads. */
  input?: { element: string; type: string };
  /** The result's XSD type. */
  output: string;
}

export const OPERATIONS: OperationDef[] = [
  { name: 'getAllAssessorDetail', output: 'tns:ArrayOfAssessor' },
  { name: 'getAllEmployerDetail', output: 'tns:ArrayOfEmployer' },
  { name: 'getAllLearnerDetail', output: 'tns:ArrayOfLearner' },
  { name: 'inserEmployerDetail', input: { element: 'employer', type: 'tns:Employer' }, output: 's:int' },
  { name: 'inserLearnerDetail', input: { element: 'learner', type: 'tns:Learner' }, output: 's:string' },
  { name: 'updateLearnerDetail', input: { element: 'learner', type: 'tns:Learner' }, output: 's:boolean' },
];

const complexType = (name: string, fields: readonly string[]) =>
  `<s:complexType name="${name}"><s:sequence>${fields.map((f) => `<s:element minOccurs="0" maxOccurs="1" name="${f}" type="s:string"/>`).join('')}</s:sequence></s:complexType>`
  + `<s:complexType name="ArrayOf${name}"><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" name="${name}" type="tns:${name}"/></s:sequence></s:complexType>`;

function elements(op: OperationDef): string {
  const input = op.input
    ? `<s:element name="${op.name}"><s:complexType><s:sequence><s:element minOccurs="0" maxOccurs="1" name="${op.input.element}" type="${op.input.type}"/></s:sequence></s:complexType></s:element>`
    : `<s:element name="${op.name}"><s:complexType/></s:element>`;
  const output = `<s:element name="${op.name}Response"><s:complexType><s:sequence><s:element minOccurs="0" maxOccurs="1" name="${op.name}Result" type="${op.output}"/></s:sequence></s:complexType></s:element>`;
  return input + output;
}

export function smartAssessorWsdl(location: string): string {
  const ops = OPERATIONS;
  return `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns="${SA_NAMESPACE}" targetNamespace="${SA_NAMESPACE}">
<wsdl:types><s:schema elementFormDefault="qualified" targetNamespace="${SA_NAMESPACE}">
<s:element name="AuthHeader" type="tns:AuthHeader"/>
<s:complexType name="AuthHeader"><s:sequence><s:element minOccurs="0" maxOccurs="1" name="ApiKey" type="s:string"/><s:element minOccurs="0" maxOccurs="1" name="ReadOnly" type="s:string"/></s:sequence></s:complexType>
${complexType('Assessor', ASSESSOR_FIELDS)}
${complexType('Employer', EMPLOYER_FIELDS)}
${complexType('Learner', LEARNER_FIELDS)}
${ops.map(elements).join('\n')}
</s:schema></wsdl:types>
<wsdl:message name="AuthHeaderMessage"><wsdl:part name="AuthHeader" element="tns:AuthHeader"/></wsdl:message>
${ops.map((op) => `<wsdl:message name="${op.name}SoapIn"><wsdl:part name="parameters" element="tns:${op.name}"/></wsdl:message><wsdl:message name="${op.name}SoapOut"><wsdl:part name="parameters" element="tns:${op.name}Response"/></wsdl:message>`).join('\n')}
<wsdl:portType name="SmartAssessorServiceSoap">
${ops.map((op) => `<wsdl:operation name="${op.name}"><wsdl:input message="tns:${op.name}SoapIn"/><wsdl:output message="tns:${op.name}SoapOut"/></wsdl:operation>`).join('\n')}
</wsdl:portType>
<wsdl:binding name="${SA_PORT}" type="tns:SmartAssessorServiceSoap"><soap12:binding transport="http://schemas.xmlsoap.org/soap/http"/>
${ops.map((op) => `<wsdl:operation name="${op.name}"><soap12:operation soapAction="${SA_NAMESPACE}${op.name}" style="document"/><wsdl:input><soap12:body use="literal"/><soap12:header message="tns:AuthHeaderMessage" part="AuthHeader" use="literal"/></wsdl:input><wsdl:output><soap12:body use="literal"/></wsdl:output></wsdl:operation>`).join('\n')}
</wsdl:binding>
<wsdl:service name="${SA_SERVICE}"><wsdl:port name="${SA_PORT}" binding="tns:${SA_PORT}"><soap12:address location="${location}"/></wsdl:port></wsdl:service>
</wsdl:definitions>`;
}
